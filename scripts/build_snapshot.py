#!/usr/bin/env python3
"""Build the offline TEST SNAPSHOTS of www.rfi.fr, www.france24.com and www.mc-doualiya.com (21 spiders).

    .venv/bin/python scripts/build_snapshot.py [--skip-invalid]

Reads ``scripts/snapshot_data/rfi_cn.json`` (rfi_cn, built exactly as by the first, cn-only generator),
``scripts/snapshot_data/content/<spider>.json`` for the 20 other spiders (whichever exist; each is validated
on loading, with errors naming the file and the field; ``--skip-invalid`` builds the valid ones anyway) and
``scripts/snapshot_data/extra/<spider>_*.json`` (extra articles, same article format), and (re)writes,
deterministically:

* ``snapshots/rfi/``, ``snapshots/f24/``, ``snapshots/mcd/``: the document roots of fake www.rfi.fr (16
  editions side by side), www.france24.com and www.mc-doualiya.com: article pages, homepages, section, tag
  and live pages, RSS feeds, Google News sitemaps, sitemap indexes with monthly ``contents_YYYYMM.xml`` and
  ``tags.xml``, daily archive pages, one robots.txt per host;
* ``snapshots/README.md``: what the snapshot is, its routes per spider and which article is where;
* ``tests/fixtures/<spider>/<key>.json``: one expected-output file per article (``url``, ``page``,
  ``sources``, ``expected``), computed FROM THE DATA (never by parsing the generated HTML), following the
  body contract of the crawler's cleaner: ``body`` = the paragraphs' text joined by a blank line (the lone
  no-break-space paragraph, the interstitial ad, the self-promo blocks, share bar, tags and related asides
  are not body), ``body_html`` = one ``<p>`` per paragraph (only &, < and > escaped) joined by newlines,
  ``content_hash`` = sha256 of ``body``;
* ``tests/fixtures/<spider>/listings/<name>.json``: per homepage (``home``) and section page (``<slug>``):
  its public URL, saved page and the public, percent-encoded, clean URLs of its article cards in page order.

It also writes ``snapshots/{euronews,dw,bbc,voa}/`` and ``tests/fixtures/<spider>/snapshot/*.json`` from the
real saved pages of those sites and ``scripts/snapshot_data/broadcasters/<spider>.json``
(``scripts/snapshot/broadcasters.py``; its own section of snapshots/README.md).

The real MCD fixture ``tests/fixtures/mcd_ar/20240131-netanyahu-coalition.json`` is never written nor deleted.

URL paths map to files this way (raw UTF-8, NFC file names): a path ending in ``/`` -> ``<path>index.html``;
an existing file as is (``/robots.txt``, ``/sitemaps/cn/news.xml``); otherwise ``<path>.html`` (articles,
archive days) or ``<path>.xml`` (``/cn/rss``).

The markup is transcribed from the real FMM-CMS excerpts in tests/fixtures/real-pages/ (MCD article page,
rfi.fr/es listing cards and head) and SITE-NOTES.md; see snapshots/README.md. Stdlib + lxml only (lxml is used
only to check that every written page parses). Rerunning gives byte-identical output. The code lives in the
``scripts/snapshot/`` package.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from snapshot.main import main

if __name__ == "__main__":
    sys.exit(main())
