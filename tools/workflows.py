"""The GitHub workflows and Dependabot settings, checked as a security reviewer would: `make check`.

Runs zizmor (pinned in requirements.txt) over `.github/` offline, so it never calls GitHub:
every workflow in `.github/workflows/` and `.github/dependabot.yml`. Any finding of medium
severity or above is a problem, printed as one line naming the file, the line and what to
change. zizmor's own configuration files are not read (`--no-config`): a finding that is
accepted is suppressed in the workflow itself, on its line, with `# zizmor: ignore[audit]`
and the reason in a comment, where a reviewer of that file sees both.

    python -m tools.workflows [FOLDER]   # FOLDER holds .github/ (the project by default)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What to do about each finding, in plain words; other audits get zizmor's own description.
FIXES = {
    "unpinned-uses": "'{feature}' names the action by a tag or branch, which whoever controls that repository "
                     "can move to other code: pin it to the full 40-character commit SHA of the release, with "
                     "the version in a comment, as in 'uses: {action}@<commit SHA> # vX.Y.Z' "
                     "(docs/self-hosting.md says how)",
    "artipacked": "actions/checkout keeps the token in the checkout, where a later step or an uploaded file "
                  "can carry it: add 'persist-credentials: false' under the checkout's 'with:'",
    "excessive-permissions": "the token may do more than this job needs ({annotation}): set 'permissions: {{}}' "
                             "at the top of the workflow and grant each job only what it uses, with the reason "
                             "in a comment",
    "undocumented-permissions": "a permission is granted without saying why: add a comment after it",
    "dangerous-triggers": "{annotation}: a pull request from a fork could run code with write permissions or "
                          "secrets; use 'pull_request' instead",
    "template-injection": "'{feature}' pastes a value that others can choose into a script: pass it in "
                          "'env:' and use the variable in the script instead",
    "unpinned-images": "the container image '{feature}' can change under the same name: pin it by digest, or "
                       "accept it with '# zizmor: ignore[unpinned-images]' on that line and the reason above it",
    "dependabot-cooldown": "Dependabot would propose a release on the day it comes out: add "
                           "'cooldown: default-days: 7' to this update",
}


def check(root: Path = ROOT) -> list[str]:
    """One line for each finding at medium severity or above in `root`/.github, or for why
    zizmor could not check it; an empty list when there is nothing to check or nothing to fix."""
    github = root / ".github"
    if not any(github.glob("workflows/*.y*ml")) and not any(github.glob("dependabot.y*ml")):
        return []
    zizmor = Path(sys.executable).with_name("zizmor")
    if not zizmor.is_file():
        return [".github: zizmor is not installed in this environment: run 'make install' (it is pinned in "
                "requirements.txt)"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZIZMOR_")}  # no other settings
    result = subprocess.run([str(zizmor), "--offline", "--no-config", "--persona", "regular",
                             "--min-severity", "medium", "--format", "json", "--no-exit-codes",
                             "--strict-collection", "--no-progress", "--color", "never", ".github"],
                            cwd=root, capture_output=True, text=True, env=env, timeout=120)
    if result.returncode != 0:
        return [f".github: zizmor could not check the workflows: {_reason(result.stderr)}"]
    return [describe(finding) for finding in sorted(json.loads(result.stdout or "[]"), key=_where)]


def _primary(finding: dict) -> dict:
    return next((where for where in finding["locations"] if where["symbolic"]["kind"] == "Primary"),
                finding["locations"][0])


def _where(finding: dict) -> tuple[str, int]:
    """The file and line (from 1) a finding points at."""
    primary = _primary(finding)
    start = primary["concrete"]["location"]["start_point"]
    return primary["symbolic"]["key"]["Local"]["verbatim_path"], start["row"] + 1


def describe(finding: dict) -> str:
    """A zizmor finding (its JSON form) as 'file:line: what is wrong and what to change'."""
    ident = finding["ident"]
    primary = _primary(finding)
    path, line = _where(finding)
    feature = " ".join(primary["concrete"]["feature"].split())
    feature = feature.removeprefix("uses: ").removeprefix("container: ").removeprefix("image: ")
    annotation = primary["symbolic"]["annotation"]
    severity = finding["determinations"]["severity"].lower()
    fix = FIXES.get(ident, "{desc}: {annotation}").format(feature=feature, annotation=annotation,
                                                           desc=finding["desc"], action=feature.split("@")[0])
    return f"{path}:{line}: {fix} [zizmor {ident}, {severity}: {finding['url']}]"


def _reason(stderr: str) -> str:
    """zizmor's error message without its log lines and stack trace, on one line."""
    lines = []
    for line in stderr.splitlines():
        if line.strip().startswith("Stack backtrace"):
            break
        text = line.strip().lstrip("0123456789: ").strip()
        if text and " INFO " not in f" {line} " and text not in ("Caused by:", "fatal: no audit was performed"):
            lines.append(text)
    return "; ".join(dict.fromkeys(lines)) or "zizmor failed without saying why"


def main(argv: list[str] | None = None) -> int:
    """Print each problem; exit 1 if there is any."""
    args = sys.argv[1:] if argv is None else argv
    problems = check(Path(args[0]).resolve() if args else ROOT)
    for problem in problems:
        print(problem)
    print(f"workflows: {len(problems)} problem{'s' if len(problems) != 1 else ''} to fix")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
