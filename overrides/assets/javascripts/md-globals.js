// Material for MkDocs' inline head script (partials/javascripts/base.html, MIT licence,
// (c) Martin Donath), moved to a file so the site runs under a CSP without 'unsafe-inline'.
// bundle.js needs these globals.
__md_scope = new URL(document.currentScript.dataset.scope, location);
__md_hash = (e) => [...e].reduce((e, _) => (e << 5) - e + _.charCodeAt(0), 0);
__md_get = (e, _ = localStorage, t = __md_scope) => JSON.parse(_.getItem(t.pathname + "." + e));
__md_set = (e, _, t = localStorage, a = __md_scope) => {
  try { t.setItem(a.pathname + "." + e, JSON.stringify(_)); } catch (e) {}
};
