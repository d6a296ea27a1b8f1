"""The December reliability report's reproductions (D1–D23), re-run against this checkout.

    python bench/attacks.py            # prints one row per case and a table per defect

Each case runs the real command line (``python -m termlint``) in a scratch folder, as the
report did; permission cases drop root's DAC override with ``setpriv``. A case is *handled*
when termlint does what the report expected: no traceback, the right exit status, the right
message, nothing lost. Size cases (D3–D5) are in bench/hostile.py, not here.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AMB = "We think scheming is bad.\n"
ROOT_USER = os.geteuid() == 0
DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
RESULTS: list[tuple[str, str, bool, str]] = []


def tl(*args, cwd, env=None, drop=False, timeout=120, stdout=subprocess.PIPE, **kw):
    e = {**os.environ, **(env or {})}
    for k, v in list(e.items()):
        if v is None:
            del e[k]
    cmd = [sys.executable, "-m", "termlint", *args]
    if drop and ROOT_USER:
        cmd = DROP + cmd
    try:
        p = subprocess.run(
            cmd, cwd=cwd, env=e, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout, **kw
        )
    except subprocess.TimeoutExpired:
        return None
    p.out = (p.stdout or b"").decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    p.all = p.out + p.err
    return p


def case(defect: str, name: str):
    def wrap(fn):
        work = Path(tempfile.mkdtemp(prefix=f"attack-{defect}-"))
        (work / ".termlint.yaml").write_text("{}\n")
        env_cache = work.parent / f"{work.name}-cache"
        os.environ["TERMLINT_CACHE_DIR"] = str(env_cache)
        try:
            ok, why = fn(work)
        except Exception as exc:  # the harness itself: counted as a failure, with the reason
            ok, why = False, f"{type(exc).__name__}: {exc}"
        finally:
            subprocess.run(["rm", "-rf", str(work), str(env_cache)], check=False)
        RESULTS.append((defect, name, bool(ok), why))
        print(
            f"{defect:4} {'ok  ' if ok else 'FAIL'} {name}{'' if ok else ' — ' + why}", flush=True
        )
        return fn

    return wrap


def clean(p) -> bool:
    return p is not None and "Traceback" not in p.all


# -- D1 -------------------------------------------------------------------------------------


@case("D1", "TERMLINT_CACHE_DIR=. keeps package.json and tsconfig.json 40 days old")
def _(w):
    for n in ("package.json", "tsconfig.json"):
        (w / n).write_text("{}\n")
        t = time.time() - 40 * 86400
        os.utime(w / n, (t, t))
    (w / "small.md").write_text(AMB)
    p = tl("check", "small.md", cwd=w, env={"TERMLINT_CACHE_DIR": "."})
    return clean(p) and p.returncode == 1 and (w / "package.json").exists() and (
        w / "tsconfig.json"
    ).exists(), p.err[-200:] if p else "timeout"


# -- D2 -------------------------------------------------------------------------------------


def bomb(depth, use="termlint: {senses: {scheming: *%s}}"):
    names = "abcdefghijkl"[:depth]
    lines = [f"{names[0]}: &{names[0]} [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    lines += [f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in itertools.pairwise(names)]
    return "---\n" + "\n".join(lines) + "\n" + use % names[-1] + "\n---\n" + AMB


for _depth in (7, 8, 9):

    @case("D2", f"alias bomb depth {_depth} as a sense value")
    def _(w, depth=_depth):
        (w / "b.md").write_text(bomb(depth))
        start = time.time()
        p = tl("check", "b.md", cwd=w, timeout=60)
        took = time.time() - start
        return clean(p) and p.returncode == 2 and len(
            p.all
        ) < 2000 and took < 20, f"{took:.1f}s" if p else "timeout"


@case("D2", "alias bomb in an unused key")
def _(w):
    (w / "b.md").write_text(bomb(8, "unused: *%s"))
    p = tl("check", "b.md", cwd=w, timeout=60)
    return clean(p) and p.returncode == 2 and "aliases expand" in p.all, "see output"


# -- D6–D8, D18, D21 --------------------------------------------------------------------

for _mode, _where in ((0o000, "sub"), (0o000, "top"), (0o311, "sub")):

    @case("D6", f"folder mode {_mode:o} ({_where}) is reported, exit 2")
    def _(w, mode=_mode, where=_where):
        (w / "t" / "secret").mkdir(parents=True)
        (w / "t" / "secret" / "small.md").write_text(AMB)
        target = w / "t" / "secret" if where == "sub" else w / "t"
        target.chmod(mode)
        try:
            p = tl("check", "t", cwd=w, drop=True)
        finally:
            target.chmod(0o755)
        return clean(p) and p.returncode == 2 and "cannot read folder" in p.all, p.all[
            -200:
        ] if p else "timeout"


@case("D7", "exclude archive/** with a named file, --force-exclude (the hook)")
def _(w):
    (w / ".termlint.yaml").write_text('exclude: ["archive/**"]\n')
    (w / "archive").mkdir()
    (w / "archive" / "a.md").write_text(AMB)
    p = tl("check", "--force-exclude", "archive/a.md", cwd=w)
    hook = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    return clean(p) and p.returncode == 0 and "--force-exclude" in hook, p.all[-200:]


@case("D7", "exclude ./archive/** matches")
def _(w):
    (w / ".termlint.yaml").write_text('exclude: ["./archive/**"]\n')
    (w / "archive").mkdir()
    (w / "archive" / "a.md").write_text(AMB)
    p = tl("check", ".", cwd=w)
    return clean(p) and p.returncode == 0 and "archive" not in p.out, p.all[-200:]


@case("D8", "FIFO named p.md in a folder does not hang")
def _(w):
    (w / "t").mkdir()
    (w / "t" / "a.md").write_text(AMB)
    os.mkfifo(w / "t" / "p.md")
    p = tl("check", "t", cwd=w, timeout=20)
    return clean(p) and p.returncode == 1, "hung" if p is None else p.all[-200:]


@case("D8", "check /dev/zero is refused")
def _(w):
    p = tl("check", "/dev/zero", cwd=w, timeout=20)
    return clean(
        p
    ) and p.returncode == 2 and "character device" in p.all, "hung" if p is None else p.all[-200:]


@case("D18", "folders 1000 deep")
def _(w):
    path = w / "deep"
    path.mkdir()
    for _ in range(1000):
        path = path / "d"
        path.mkdir()
    (path / "a.md").write_text(AMB)
    p = tl("check", "deep", "-q", cwd=w)
    return clean(p) and p.returncode == 1, p.all[-200:] if p else "timeout"


@case("D18", "a deleted working folder")
def _(w):
    gone = w / "gone"
    gone.mkdir()
    p = subprocess.run(
        f"cd {gone} && rmdir {gone} && {sys.executable} -m termlint check",
        shell=True,
        capture_output=True,
        text=True,
    )
    return "Traceback" not in p.stderr and p.returncode == 2, p.stderr[-200:]


@case("D21", "a folder with no Markdown says so")
def _(w):
    (w / "empty").mkdir()
    p = tl("check", "empty", cwd=w)
    return clean(p) and p.returncode == 0 and "no Markdown files" in p.err, p.all[-200:]


@case("D21", "a file name with a newline is printed escaped")
def _(w):
    (w / "a\nb.md").write_text(AMB)
    p = tl("check", ".", "-q", cwd=w)
    return clean(p) and "a\\x0ab.md:1:10" in p.out, p.out[-200:]


# -- D9, D10, D20: cache --------------------------------------------------------------------


def warm(w):
    (w / "a.md").write_text(AMB)
    first = tl("check", "a.md", "--format", "json", cwd=w)
    return Path(os.environ["TERMLINT_CACHE_DIR"]), first


for _kind, _content in (
    ("rules", "[]"),
    ("rules", "{}"),
    ("rules", "null"),
    ("rules", '"x"'),
    ("config", "[]"),
    ("config", "null"),
    ("config", '"x"'),
    ("config", '{"fail_on": "bogus"}'),
):

    @case("D9", f"{_kind} cache set to {_content}")
    def _(w, kind=_kind, content=_content):
        (w / ".termlint.yaml").write_text("fail_on: warning\n")
        cache, first = warm(w)
        for entry in cache.glob(f"{kind}-*.json"):
            entry.write_text(content)
        p = tl("check", "a.md", "--format", "json", cwd=w)
        return clean(p) and p.returncode == 1 and p.out == first.out, p.all[-200:]


for _edit in ("diagnostics []", "line 99999", "severity bogus"):

    @case("D9", f"result entry with {_edit}")
    def _(w, edit=_edit):
        cache, first = warm(w)
        for entry in cache.glob("results/*/*.json"):
            raw = entry.read_bytes()
            header, _, body = raw.partition(b"\n")
            data = json.loads(body if body else raw)
            if edit == "diagnostics []":
                data["diagnostics"] = []
            elif edit == "line 99999":
                data["diagnostics"][0]["line"] = 99999
            else:
                data["diagnostics"][0]["severity"] = "bogus"
            text = json.dumps(data).encode()
            if body:  # re-sign it, as a careful forger would
                header = f"termlint-cache 1 result {hashlib.sha256(text).hexdigest()}".encode()
                entry.write_bytes(header + b"\n" + text)
            else:
                entry.write_bytes(text)
        p = tl("check", "a.md", "--format", "json", cwd=w)
        return clean(p) and p.returncode == 1 and p.out == first.out, p.all[-200:]


for _mode in (0o000, 0o600):

    @case("D10", f"cache folder mode {_mode:o}")
    def _(w, mode=_mode):
        cache, _ = warm(w)
        cache.chmod(mode)
        try:
            ps = [tl(*a, cwd=w, drop=True) for a in (("check", "a.md"), ("glossary", "list"))]
        finally:
            cache.chmod(0o700)
        return all(clean(p) for p in ps) and ps[0].returncode == 1 and ps[
            1
        ].returncode == 0 and "without the cache" in ps[0].err, ps[0].all[-200:]


@case("D20", "relative XDG_CACHE_HOME is ignored")
def _(w):
    home = w / "home"
    home.mkdir()
    (w / "a.md").write_text(AMB)
    p = tl(
        "check",
        "a.md",
        cwd=w,
        env={"TERMLINT_CACHE_DIR": None, "XDG_CACHE_HOME": "rel", "HOME": str(home)},
    )
    return clean(p) and not (w / "rel").exists() and (home / ".cache" / "termlint").is_dir(), p.all[
        -200:
    ]


@case("D20", "HOME=/nonexistent/x creates nothing")
def _(w):
    (w / "a.md").write_text(AMB)
    ghost = w / "nonexistent" / "x"
    p = tl(
        "check",
        "a.md",
        cwd=w,
        env={"TERMLINT_CACHE_DIR": None, "XDG_CACHE_HOME": None, "HOME": str(ghost)},
    )
    return clean(p) and p.returncode == 1 and not (w / "nonexistent").exists(), p.all[-200:]


@case("D20", "cache folder is not world-readable")
def _(w):
    cache, _ = warm(w)
    return cache.stat().st_mode & 0o077 == 0, oct(cache.stat().st_mode)


# -- D11–D17 ----------------------------------------------------------------------------


@case("D11", "CR-only line endings: 4 warnings on lines 1, 3, 5, 7")
def _(w):
    # One warning per use with --per-use (what the report saw before findings were grouped);
    # grouped, the one finding on line 1 names the other three uses' lines.
    (w / "cr.md").write_bytes(b"We think scheming is bad.\r\r" * 4)
    p = tl("check", "cr.md", "-q", "--per-use", cwd=w)
    grouped = tl("check", "cr.md", "-q", cwd=w)
    per_use = all(f"cr.md:{n}:10: warning" in p.out for n in (1, 3, 5, 7))
    named = "cr.md:1:10: warning" in grouped.out and "lines 3, 5, 7)" in grouped.out
    return clean(p) and clean(grouped) and per_use and named, p.out + grouped.out


FIX = ("fix", "--sense", "scheming=worst-case-model")


@case("D12", "fix refuses a 0444 file")
def _(w):
    (w / "a.md").write_text(AMB)
    (w / "a.md").chmod(0o444)
    p = tl(*FIX, "a.md", cwd=w)
    return clean(p) and p.returncode == 2 and (w / "a.md").read_text() == AMB, p.all[-200:]


@case("D12", "fix keeps hard links")
def _(w):
    (w / "a.md").write_text(AMB)
    os.link(w / "a.md", w / "b.md")
    p = tl(*FIX, "a.md", cwd=w)
    return clean(p) and (w / "b.md").read_text() == (w / "a.md").read_text() != AMB, p.all


@case("D12", "fix keeps a user.* xattr")
def _(w):
    (w / "a.md").write_text(AMB)
    os.setxattr(w / "a.md", "user.x", b"1")
    p = tl(*FIX, "a.md", cwd=w)
    return clean(p) and os.getxattr(w / "a.md", "user.x") == b"1", p.all


for _args in (("check", "clean.md"), ("check", "a.md"), ("senses", "a.md")):

    @case("D13", f"{' '.join(_args)} with stdout closed")
    def _(w, args=_args):
        (w / "clean.md").write_text("Nothing.\n")
        (w / "a.md").write_text(AMB)
        p = subprocess.run(
            ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "termlint", *args],
            cwd=w,
            stderr=subprocess.PIPE,
        )
        p.out, p.err = "", p.stderr.decode("utf-8", "replace")
        p.all = p.err
        return clean(p) and p.returncode == 2 and len(p.err.strip().splitlines()) == 1, p.err


for _args in (("check", "a.md"), ("check", "a.md", "--format", "json"), ("glossary", "list")):

    @case("D13", f"{' '.join(_args)} > /dev/full")
    def _(w, args=_args):
        (w / "a.md").write_text(AMB)
        with Path("/dev/full").open("wb") as full:
            p = tl(*args, cwd=w, stdout=full)
        return clean(p) and p.returncode == 2 and "No space left" in p.err, p.err


@case("D14", "style.css -> ../victim.txt is not written through")
def _(w):
    (w / "site").mkdir()
    (w / "victim.txt").write_text("mine")
    (w / "site" / "style.css").symlink_to("../victim.txt")
    p = tl("glossary", "build", "--out", "site", cwd=w)
    return clean(p) and p.returncode == 0 and (w / "victim.txt").read_text() == "mine", p.all


@case("D14", "search.js -> /abs/path is not written through")
def _(w):
    (w / "site").mkdir()
    victim = w / "abs-victim.js"
    victim.write_text("mine")
    (w / "site" / "search.js").symlink_to(victim)
    p = tl("glossary", "build", "--out", "site", cwd=w)
    return clean(p) and victim.read_text() == "mine", p.all


@case("D14", "a folder at scheming.html: exit 2, old site whole")
def _(w):
    tl("glossary", "build", "--out", "site", cwd=w)
    (w / "site" / "scheming.html").unlink()
    (w / "site" / "scheming.html").mkdir()
    before = (w / "site" / "index.html").read_bytes()
    (w / "site" / "index.html").write_bytes(b"old")
    p = tl("glossary", "build", "--out", "site", cwd=w)
    return clean(p) and p.returncode == 2 and (
        w / "site" / "index.html"
    ).read_bytes() == b"old" and before, p.all


@case("D14", "--out is a regular file")
def _(w):
    (w / "site").write_text("x")
    p = tl("glossary", "build", "--out", "site", cwd=w)
    return clean(p) and p.returncode == 2, p.all


@case("D14", "--out unwritable")
def _(w):
    (w / "site").mkdir()
    (w / "site").chmod(0o555)
    try:
        p = tl("glossary", "build", "--out", "site", cwd=w, drop=True)
    finally:
        (w / "site").chmod(0o755)
    return clean(p) and p.returncode == 2, p.all


for _color in ("--color", "--no-color"):

    @case("D15", f"OSC title and CSI clear in an excerpt ({_color})")
    def _(w, color=_color):
        (w / "esc.md").write_text("We worry \x1b]0;PWNED\x07 that \x1b[2J scheming is bad.\n")
        p = tl("check", "esc.md", color, cwd=w)
        return clean(
            p
        ) and "\x07" not in p.out and "\x1b]" not in p.out and "\x1b[2J" not in p.out, repr(
            p.out[:200]
        )


for _item in (
    "- {split: dev, text: x, expect: []}",
    "- {id: a, split: dev, text: x, expect: [{term: scheming, label: [x]}]}",
    "- {id: a, split: dev, text: x, expect: [{term: scheming, label: {a: b}}]}",
    "- {id: a, split: dev, text: x, expect: [{term: [x], label: ambiguous}]}",
    "- {id: a, split: [dev], text: x, expect: []}",
    "- {id: a, split: 1, text: x, expect: []}\n- {id: b, split: x, text: x, expect: []}",
    "- {id: a, split: dev, text: x, expect: [{term: scheming, label: plotting}]}",
):

    @case("D16", f"evaluate: {_item[:60]}")
    def _(w, item=_item):
        (w / "set").mkdir()
        (w / "set" / "i.yaml").write_text(item + "\n")
        p = tl("evaluate", "set", "--split", "dev", cwd=w)
        return clean(p) and p.returncode == 2 and "Line" not in p.all, p.all[-200:]


for _group in (True, False):

    @case("D17", f"SIGINT to the {'process group' if _group else 'main process'}: exit 130")
    def _(w, group=_group):
        (w / "big.md").write_text("We should worry that scheming will emerge.\n\n" * 20000)
        proc = subprocess.Popen(
            [sys.executable, "-m", "termlint", "check", ".", "-j2"],
            cwd=w,
            env={**os.environ, "TERMLINT_NO_CACHE": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        time.sleep(3)
        if group:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        return (
            proc.returncode == 130 and b"Traceback" not in err and b"ForkPoolWorker" not in err,
            f"{proc.returncode} {err[-200:]!r}",
        )


@case("D17", "a killed fix's temp file is cleaned up by the next fix")
def _(w):
    (w / "a.md").write_text(AMB)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    (w / f".a.md.{dead}.abcdefgh.termlint.tmp").write_text("half")
    p = tl(*FIX, "a.md", cwd=w)
    return clean(p) and not list(w.glob(".*.termlint.tmp")), p.all


# -- D19, D22, D23 --------------------------------------------------------------------------

TERM = (
    "id: extra\nterm: extra\nsummary: s\nforms: [{forms}]\nfeatures: [{features}]\n"
    "senses:\n  - {{id: a, label: A, definition: d{a}}}\n"
    "  - {{id: b, label: B, definition: d{b}}}\n"
)
for _name, _fields in (
    ("broader cycle a->b->a", {"a": ", broader: b", "b": ", broader: a"}),
    ("broader self-reference", {"a": ", broader: a"}),
    ("duplicate feature ids", {"features": "{id: f, label: F}, {id: f, label: G}"}),
    ("punctuation-only form", {"forms": "extra, '|'"}),
    ("user form shadowed by the bundled term", {"forms": "extra, scheming"}),
):

    @case("D19", f"glossary check: {_name}")
    def _(w, fields=_fields, name=_name):
        values = {"forms": "extra", "features": "", "a": "", "b": ""} | fields
        (w / "g").mkdir()
        (w / "g" / "extra.yaml").write_text(TERM.format(**values))
        (w / ".termlint.yaml").write_text("glossary: [g]\n")
        (w / "a.md").write_text(AMB)
        p = tl("check", "a.md", cwd=w)
        return clean(p) and p.returncode == 2, p.all[-200:]


@case("D19", "unknown rule_options key")
def _(w):
    (w / ".termlint.yaml").write_text("rule_options: {undefined-term: {min_usess: 2}}\n")
    (w / "a.md").write_text(AMB)
    p = tl("check", "a.md", cwd=w)
    return clean(p) and p.returncode == 2, p.all[-200:]


@case("D19", "no LineDict / LineList in messages")
def _(w):
    (w / ".termlint.yaml").write_text("exclude: {a: b}\n")
    p = tl("check", cwd=w)
    return clean(p) and p.returncode == 2 and "Line" not in p.all, p.all[-200:]


@case("D22", "--jobs 200 is capped, with a note")
def _(w):
    (w / "a.md").write_text(AMB)
    p = tl("check", "a.md", "--jobs", "200", cwd=w)
    return clean(p) and p.returncode == 1 and "is more than the" in p.err, p.err


@case("D23", "null senses is accepted like null termlint")
def _(w):
    (w / "a.md").write_text("---\ntermlint:\n  senses:\n---\n" + AMB)
    p = tl("check", "a.md", cwd=w)
    return clean(p) and p.returncode == 1, p.all[-200:]


@case("D23", "unclosed <!-- is reported")
def _(w):
    (w / "a.md").write_text("Intro.\n\n<!-- notes\n\n" + AMB)
    p = tl("check", "a.md", cwd=w)
    return clean(p) and p.returncode == 2 and "never closed" in p.all, p.all[-200:]


def main() -> None:
    by: dict[str, list[bool]] = {}
    for defect, _, ok, _ in RESULTS:
        by.setdefault(defect, []).append(ok)
    print("\n| defect | cases | handled | failed |\n|---|---:|---:|---:|")
    for defect in sorted(by, key=lambda d: int(d[1:])):
        oks = by[defect]
        print(f"| {defect} | {len(oks)} | {sum(oks)} | {len(oks) - sum(oks)} |")
    total = [ok for oks in by.values() for ok in oks]
    print(f"| **total** | {len(total)} | {sum(total)} | {len(total) - sum(total)} |")


if __name__ == "__main__":
    main()
