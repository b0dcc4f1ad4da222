"""Write requirements.txt with every pin's SHA-256s, as pip's --require-hashes wants them.

    .venv/bin/python .ci/pin_hashes.py requirements.txt

Reads the `name==version` lines (comments and other lines are kept as they are), asks
PyPI's simple index (JSON, PEP 691) for every file of that release, and writes each pin
back with one `--hash=sha256:...` per file, so pip accepts whichever wheel fits the machine
and nothing else. Run it after changing a pin (`make pins` does).
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\#]+)")
INDEX = "https://pypi.org/simple/{}/"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def release_hashes(name: str, version: str) -> list[str]:
    request = urllib.request.Request(INDEX.format(normalise(name)),
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    stem = re.compile(rf"^{re.escape(normalise(name).replace('-', '_'))}-{re.escape(version)}(-|\.tar\.gz$|\.zip$)",
                      re.IGNORECASE)
    hashes = sorted({f["hashes"]["sha256"] for f in files
                     if stem.match(normalise(f["filename"].split("-", 1)[0]).replace("-", "_") + "-"
                                   + f["filename"].split("-", 1)[1]) and not f.get("yanked")})
    if not hashes:
        raise SystemExit(f"{name}=={version}: PyPI lists no file of this release")
    return hashes


def main(path: Path) -> None:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("    --hash=") or line.strip() == "":
            continue   # the old hashes and the blank lines between pins are written anew
        match = PIN.match(line)
        if not match:
            out.append(line)
            continue
        hashes = release_hashes(*match.groups())
        out.append(f"{match.group(1)}=={match.group(2)} \\")
        out += [f"    --hash=sha256:{h}" + (" \\" if i < len(hashes) - 1 else "") for i, h in enumerate(hashes)]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"))
