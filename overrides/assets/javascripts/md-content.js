// Material for MkDocs' inline hash-target script (partials/javascripts/content.html, MIT
// licence, (c) Martin Donath), moved to a file for a strict CSP: opens the tab a URL points at.
var target = document.getElementById(location.hash.slice(1));
target && target.name && (target.checked = target.name.startsWith("__tabbed_"));
