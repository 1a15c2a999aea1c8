"""How much `pip install .` brings in: the runtime dependency closure of netkg, measured from the
installed distributions' RECORD files in the current environment (no download).

    python scripts/install-size.py [--without pylode]

prints the number of distributions and their size on disk; --without leaves out a direct
dependency and what only it needs, to see what making it optional would save.
"""

from __future__ import annotations

import argparse
import re
from importlib import metadata
from pathlib import Path


def _name(requirement: str) -> str:
    return re.split(r"[ ;<>=!~\[(]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def closure(roots: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            todo.append(_name(req))
    return seen


def size(name: str) -> int:
    dist = metadata.distribution(name)
    total = 0
    for file in dist.files or []:
        path = Path(dist.locate_file(file))
        if path.is_file():
            total += path.stat().st_size
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without", action="append", default=[], help="leave out this dependency")
    args = parser.parse_args()
    direct = [_name(r) for r in metadata.requires("netkg") or [] if "extra ==" not in r]
    kept = [d for d in direct if d not in args.without]
    names = sorted(closure(kept))
    sizes = {n: size(n) for n in names}
    print(f"{len(names)} distributions, {sum(sizes.values()) / 1e6:.0f} MB on disk "
          f"(without: {', '.join(args.without) or 'nothing'})")  # fmt: skip
    for n in sorted(sizes, key=sizes.get, reverse=True)[:12]:
        print(f"  {sizes[n] / 1e6:7.1f} MB  {n}")


if __name__ == "__main__":
    main()
