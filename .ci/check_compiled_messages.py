"""Fail if a committed .mo file does not hold exactly what its .po file compiles to.

Users need no gettext tools, so the compiled catalogue is committed; this catches a .po
edited without `make messages`.
"""

import gettext
import subprocess
import sys
import tempfile
from pathlib import Path


def catalog(mo_path: Path) -> dict:
    with mo_path.open("rb") as stream:
        return dict(gettext.GNUTranslations(stream)._catalog)


def main(po_paths: list[str]) -> int:
    failed = False
    for po in map(Path, po_paths):
        mo = po.with_suffix(".mo")
        if not mo.exists():
            print(f"{mo} is missing: run 'make messages'.", file=sys.stderr)
            failed = True
            continue
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "fresh.mo"
            subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
            if catalog(fresh) != catalog(mo):
                print(f"{mo} is out of date with {po}: run 'make messages' and commit the .mo.", file=sys.stderr)
                failed = True
    if not failed:
        print("compiled translations are up to date")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
