#!/usr/bin/env python3
"""The site of examples/acme renders in a real browser: the access-control
policy and the Statement of Applicability, opened in headless Chromium, make
real screenshots (PNG) and real printed documents (PDF, A4; the SoA in
landscape; the policy without the site's navigation).

Usage: check_render.py TENET SOURCE_DIR [--update-docs]

With --update-docs, screenshots 1280x1600 of the two pages are also copied to
SOURCE_DIR/docs/images/site-access-control.png and site-soa.png: that is how
the screenshots in the documentation are refreshed. Without it, nothing is
written to the source tree.

Prints one line per check ("ok NAME" or "FAIL NAME: why") and a summary, and
exits non-zero when a check failed.
"""

import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib

AS_OF = "2026-11-22"
TIMEOUT = 120
PAGES = [
    # page, name in docs/images, texts its PDF must hold, texts it must not, page size (w, h) in points
    ("policy-access_control.html", "site-access-control.png", ["Access Control Policy", "Document control"],
     ["Crosswalks"], "portrait"),
    ("soa.html", "site-soa.png", ["Statement of Applicability", "A.5.1"], [], "landscape"),
]
A4 = (595.0, 842.0)


class Failure(Exception):
    pass


def check(cond, why):
    if not cond:
        raise Failure(why)


# ---- PNG, with the standard library only ----------------------------------------

def read_png(data):
    """(width, height, channels, rows) of an 8-bit PNG; rows are bytes, filters undone."""
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG: the signature is %r" % data[:8])
    pos = 8
    idat = []
    ihdr = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        check(zlib.crc32(kind + body) & 0xFFFFFFFF == crc, "bad CRC in the %r chunk" % kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    check(ihdr is not None and pos < len(data), "no IHDR or no IEND chunk")
    width, height, depth, colour, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    check(depth == 8 and channels and interlace == 0,
          "unsupported PNG: depth %d, colour type %d, interlace %d" % (depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    check(len(raw) == height * (stride + 1), "the image data has %d bytes, expected %d" %
          (len(raw), height * (stride + 1)))
    rows = []
    prev = bytes(stride)
    bpp = channels
    lo = int.from_bytes(b"\x7f" * stride, "big")
    hi = int.from_bytes(b"\x80" * stride, "big")
    for y in range(height):
        start = y * (stride + 1)
        ftype = raw[start]
        line = raw[start + 1:start + 1 + stride]
        if ftype == 0:
            cur = line
        elif ftype == 2:  # up: bytewise addition without carries, on whole rows at once
            a, b = int.from_bytes(line, "big"), int.from_bytes(prev, "big")
            cur = (((a & lo) + (b & lo)) ^ ((a ^ b) & hi)).to_bytes(stride, "big")
        else:
            cur = bytearray(line)
            if ftype == 1:  # sub
                for i in range(bpp, stride):
                    cur[i] = (cur[i] + cur[i - bpp]) & 0xFF
            elif ftype == 3:  # average
                for i in range(stride):
                    left = cur[i - bpp] if i >= bpp else 0
                    cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 0xFF
            elif ftype == 4:  # paeth
                for i in range(stride):
                    a = cur[i - bpp] if i >= bpp else 0
                    b = prev[i]
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
            else:
                raise Failure("unknown PNG filter %d in row %d" % (ftype, y))
            cur = bytes(cur)
        rows.append(cur)
        prev = cur
    return width, height, channels, rows


def pixel_stats(channels, rows):
    """(pixels that are not white, distinct colours)."""
    colours = set()
    non_white = 0
    colour_channels = 1 if channels in (1, 2) else 3
    white = b"\xff" * colour_channels
    for row in rows:
        for x in range(0, len(row), channels):
            px = row[x:x + colour_channels]
            colours.add(px)
            if px != white:
                non_white += 1
    return non_white, len(colours)


# ---- Chromium -------------------------------------------------------------------------

def chromium_run(browser, args, tmp, label):
    """Runs headless Chromium with a fresh profile; kills its process group after TIMEOUT s."""
    profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
    env = dict(os.environ)
    env.update(HOME=profile, XDG_CONFIG_HOME=profile, XDG_CACHE_HOME=profile)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--no-default-browser-check", "--disable-extensions", "--user-data-dir=" + profile, *args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise Failure("%s: chromium did not finish within %d s" % (label, TIMEOUT))
    finally:
        # Helpers left behind in the process group of this call.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    check(proc.returncode == 0, "%s: chromium exited with %d: %s" % (label, proc.returncode, output[-1500:]))
    return output


def screenshot(browser, url, png, size, tmp):
    chromium_run(browser, ["--window-size=%d,%d" % size, "--screenshot=" + png, url], tmp, os.path.basename(png))
    check(os.path.isfile(png), "%s: no screenshot was written" % png)
    with open(png, "rb") as f:
        data = f.read()
    width, height, channels, rows = read_png(data)
    check((width, height) == size, "%s: the screenshot is %dx%d, expected %dx%d" % ((png, width, height) + size))
    non_white, colours = pixel_stats(channels, rows)
    check(non_white >= 1000, "%s: only %d pixels are not white: a blank page" % (png, non_white))
    check(colours >= 8, "%s: only %d colours: a blank page" % (png, colours))
    return "%dx%d, %d non-white pixels, %d colours" % (width, height, non_white, colours)


def print_pdf(browser, url, pdf, tmp, want, unwanted, orientation):
    chromium_run(browser, ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, url], tmp, os.path.basename(pdf))
    check(os.path.isfile(pdf), "%s: no PDF was written" % pdf)
    with open(pdf, "rb") as f:
        check(f.read(5) == b"%PDF-", "%s does not start with %%PDF-" % pdf)
    info = subprocess.run(["pdfinfo", pdf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT)
    check(info.returncode == 0, "pdfinfo failed: %s" % info.stdout)
    pages = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    check(pages and int(pages.group(1)) >= 1, "%s: no pages (%s)" % (pdf, info.stdout))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.M)
    check(size, "%s: no page size in pdfinfo's output" % pdf)
    w, h = float(size.group(1)), float(size.group(2))
    expected = A4 if orientation == "portrait" else (A4[1], A4[0])
    check(abs(w - expected[0]) < 2 and abs(h - expected[1]) < 2,
          "%s: the page is %.2f x %.2f pts, expected A4 %s (%.0f x %.0f)" % ((pdf, w, h, orientation) + expected))
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=TIMEOUT)
    check(text.returncode == 0, "pdftotext failed: %s" % text.stderr)
    flat = " ".join(text.stdout.split())
    for t in want:
        check(t in flat, "%s: the text %r is not in the PDF" % (pdf, t))
    for t in unwanted:
        check(t not in flat, "%s: the text %r is in the PDF (the navigation should not be printed)" % (pdf, t))
    return "%s pages, %.0f x %.0f pts" % (pages.group(1), w, h)


def main():
    args = [a for a in sys.argv[1:] if a != "--update-docs"]
    update_docs = "--update-docs" in sys.argv[1:]
    if len(args) != 2:
        print("usage: check_render.py TENET SOURCE_DIR [--update-docs]", file=sys.stderr)
        return 2
    tenet, source = os.path.abspath(args[0]), os.path.abspath(args[1])
    passed = failed = 0

    def run_check(name, fn):
        nonlocal passed, failed
        try:
            note = fn()
            passed += 1
            print("ok %s%s" % (name, " (%s)" % note if note else ""), flush=True)
            return True
        except Failure as e:
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
        except Exception as e:  # an unexpected error is a failure too
            failed += 1
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e), flush=True)
        return False

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = [n for n, p in (("chromium", browser), ("pdfinfo", shutil.which("pdfinfo")),
                              ("pdftotext", shutil.which("pdftotext"))) if not p]
    if missing:
        failed += 1
        print("FAIL tools: %s missing; run ./install-deps.sh" % " and ".join(missing))
        print("%d passed, %d failed" % (passed, failed))
        return 1

    tmp = tempfile.mkdtemp(prefix="tenet-site-render-")
    try:
        out = os.path.join(tmp, "site")

        def build():
            env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
            p = subprocess.run([tenet, "build", os.path.join(source, "examples", "acme"), "-o", out, "--as-of", AS_OF,
                                "--no-history"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               timeout=300)
            check(p.returncode == 0, "tenet build exited with %d: %s" % (p.returncode, p.stderr[-2000:]))
            for page, *_ in PAGES:
                check(os.path.isfile(os.path.join(out, page)), "%s was not written" % page)

        if not run_check("build", build):
            print("%d passed, %d failed" % (passed, failed))
            return 1
        shots = os.path.join(tmp, "shots")
        os.makedirs(shots)
        docs = {}
        for page, doc_name, want, unwanted, orientation in PAGES:
            url = "file://" + os.path.join(out, page)
            stem = page[:-len(".html")]
            run_check(stem + ".png", lambda: screenshot(browser, url, os.path.join(shots, stem + ".png"),
                                                        (1280, 2000), tmp))
            run_check(stem + ".pdf", lambda: print_pdf(browser, url, os.path.join(shots, stem + ".pdf"), tmp, want,
                                                       unwanted, orientation))
            if update_docs:
                png = os.path.join(shots, stem + "-docs.png")
                if run_check(stem + "-docs.png", lambda: screenshot(browser, url, png, (1280, 1600), tmp)):
                    docs[png] = doc_name
        if update_docs and len(docs) == len(PAGES) and failed == 0:
            images = os.path.join(source, "docs", "images")
            os.makedirs(images, exist_ok=True)
            for png, doc_name in docs.items():
                shutil.copyfile(png, os.path.join(images, doc_name))
                print("updated %s" % os.path.join(images, doc_name))
        elif update_docs:
            print("docs/images not updated: a check failed")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
