"""A seeded, deterministic knowledge base of N reviews and issues, in the project's real format.

Two flavours of the same text:
- "kb": front matter, `kb:item` entries with topics and citations, cross-references,
  topic pages with their listings, the archive, the paper and author indexes;
- "plain": the same pages and citations with the extension switched off: items as
  plain sections, no front matter, no generated views, one `{bibliography}` page.

Both use the project's real conf.py (and, for "kb", its extension), so the ratio
of their build times is the extension's overhead.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
WORDS = (
    "model data training scaling transformer attention diffusion protein vision language agent "
    "benchmark dataset inference retrieval robustness alignment reward policy encoder decoder "
    "latent sample gradient layer token sequence image audio speech graph kernel sparse dense "
    "compute memory accuracy loss objective prior posterior noise signal feature embedding"
).split()
KINDS = ("paper", "application", "news", "article", "library", "dataset", "report", "course")
FIRST = "Ana Ben Chen Dana Eli Femi Gus Hana Ivo Jun Kai Lea Mio Nia Oto Pia Rui Sol Tao Uma".split()
LAST = ("Abe Berg Costa Dahl Eze Faro Gill Hale Ito Jovic Kaur Lund Mora Nagy Ortiz Park Quin "
        "Rossi Sato Tamm Ueda Vega Wong Xu Yilmaz Zidek").split()


# the chapters of the PDF book, in the order of the site's book.md
BOOK_CHAPTERS = ["reviews/index", "newsletters/index", "topics/index", "archive", "references",
                 "authors"]


@dataclass
class Page:
    docname: str
    title: str
    kind: str  # review or newsletter
    series: str
    year: int
    month: int
    day: int
    number: int  # issue number, or the year for reviews
    topics: list[str]
    items: list[dict] = field(default_factory=list)


def sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 3) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


class Corpus:
    def __init__(self, pages: int, refs: int, seed: int = 7) -> None:
        rng = random.Random(seed)
        self.rng = rng
        # about 60 topics: 12 roots with 4 children each
        self.topics: dict[str, tuple[str, str | None]] = {}
        for r in range(12):
            root = f"area-{r:02d}"
            self.topics[root] = (f"Area {r:02d}", None)
            for c in range(4):
                self.topics[f"{root}-sub-{c}"] = (f"Area {r:02d}, theme {c}", root)
        self.refs = [self._entry(i, rng) for i in range(refs)]
        self.newsletter_series = ["weekly-a", "weekly-b", "weekly-c"]
        self.review_series = ["garden-a", "garden-b"]
        self.pages = self._pages(pages, rng)

    def _entry(self, i: int, rng: random.Random) -> dict:
        authors = " and ".join(f"{rng.choice(LAST)}, {rng.choice(FIRST)}" for _ in range(rng.randint(1, 6)))
        return {"key": f"ref{i:05d}", "author": authors, "year": 2015 + i % 10,
                "title": sentence(rng, 8).rstrip("."), "doi": f"10.5555/bench.{i:05d}"}

    def _pages(self, count: int, rng: random.Random) -> list[Page]:
        pages: list[Page] = []
        slugs = list(self.topics)
        reviews = max(2, count // 25)
        issue_numbers = {s: 0 for s in self.newsletter_series}
        for n in range(count):
            topics = rng.sample(slugs, 3)
            if n < reviews:
                series = self.review_series[n % 2]
                year = 2000 + n // 2
                page = Page(f"reviews/{series}/{year}", f"{series} review of {year}", "review",
                            series, year + 1, 1, 10, year, topics)
            else:
                series = self.newsletter_series[n % 3]
                issue_numbers[series] += 1
                number = issue_numbers[series]
                year = 2010 + number // 52
                week = number % 52
                page = Page(f"newsletters/{series}/{year}/issue-{number}",
                            f"{series} issue #{number}", "newsletter", series, year,
                            1 + week // 5, 1 + (week % 5) * 5, number, topics)
            for i in range(rng.randint(6, 10)):
                cites = rng.sample(range(len(self.refs)), rng.randint(0, 2)) if self.refs else []
                page.items.append({
                    "title": f"Item {i} of {page.title}: {sentence(rng, 4).rstrip('.')}",
                    "id": f"item-{i}", "kind": rng.choice(KINDS),
                    "topics": rng.sample(slugs, rng.randint(1, 3)),
                    "cites": [self.refs[c]["key"] for c in cites],
                    "body": paragraph(rng, 2),
                })
            pages.append(page)
        return pages

    # -- writing ------------------------------------------------------------------
    def write(self, target: Path, flavour: str) -> None:
        assert flavour in ("kb", "plain")
        target.mkdir(parents=True, exist_ok=True)
        (target / "conf.py").write_text(self._conf(flavour), encoding="utf-8")
        (target / "refs.bib").write_text(self._bib(), encoding="utf-8")
        kb = flavour == "kb"
        self._write(target / "index.md", "# Benchmark knowledge base\n\n" + paragraph(self.rng, 2)
                    + "\n\n" + (("```{kb:newest}\n```\n\n```{kb:busiest-topics}\n```\n\n") if kb else "")
                    + toctree(["reviews/index", "newsletters/index", "topics/index", "archive",
                               "references", "authors"], hidden=True))
        # the book's chapters are the site's book.md's, so the corpus's PDF is ours at scale
        self._write(target / "book.md", "---\norphan: true\n---\n\n# Book\n\n"
                    + toctree(BOOK_CHAPTERS))
        self._write(target / "archive.md", "# Archive\n\n" + ("```{kb:archive}\n```\n\n```{kb:timeline}\n```\n"
                                                          if kb else "Every page by year.\n"))
        self._write(target / "references.md", "# Papers\n\n"
                    + ("```{kb:paper-index}\n```\n" if kb else "```{bibliography}\n```\n"))
        self._write(target / "authors.md", "# Authors\n\n" + ("```{kb:author-index}\n```\n" if kb else "Authors.\n"))
        self._write_topics(target, kb)
        self._write_sections(target, kb)
        for page in self.pages:
            self._write(target / f"{page.docname}.md", self.page_text(page, kb))

    def page_text(self, page: Page, kb: bool) -> str:
        parts = []
        if kb:
            date = f"{page.year}-{page.month:02d}-{page.day:02d}"
            key = "issue" if page.kind == "newsletter" else "year"
            value = page.number if page.kind == "newsletter" else page.number
            parts.append(textwrap.dedent(f"""\
                ---
                kind: {page.kind}
                date: {date}
                series: {page.series}
                {key}: {value}
                topics: [{', '.join(page.topics)}]
                summary: {sentence(random.Random(page.docname), 10)}
                ---
                """))
        parts.append(f"# {page.title}\n\n{paragraph(random.Random(page.docname + 'intro'), 3)}\n")
        if kb and page.kind == "newsletter" and page.number > 1:
            parts.append(f"\nThe issue before is {{kb:issue}}`{page.series}/{page.number - 1}`; see also "
                         f"{{kb:topic}}`{page.topics[0]}`.\n")
        parts.append("\n## Items\n")
        for item in page.items:
            cites = f" {{cite:p}}`{','.join(item['cites'])}`" if item["cites"] else ""
            if kb:
                parts.append(textwrap.dedent(f"""
                    ```{{kb:item}} {item['title']}
                    :kind: {item['kind']}
                    :id: {item['id']}
                    :topics: {', '.join(item['topics'])}

                    {item['body']}{cites}
                    ```
                    """))
            else:
                parts.append(f"\n### {item['title']}\n\n{item['body']}{cites}\n")
        return "".join(parts)

    def _write_topics(self, target: Path, kb: bool) -> None:
        entries = []
        for slug, (title, parent) in self.topics.items():
            front = f"---\nkind: topic\n{'parent: ' + parent + chr(10) if parent else ''}---\n\n" if kb else ""
            self._write(target / "topics" / f"{slug}.md",
                        f"{front}# {title}\n\n{paragraph(random.Random(slug), 2)}\n")
            entries.append(slug)
        self._write(target / "topics/index.md", "# Topics\n\n"
                    + ("```{kb:topics-overview}\n```\n\n```{kb:topic-trends}\n```\n\n" if kb else "")
                    + toctree(entries, hidden=True))

    def _write_sections(self, target: Path, kb: bool) -> None:
        by_series: dict[str, dict[int, list[Page]]] = {}
        for page in self.pages:
            by_series.setdefault(page.series, {}).setdefault(page.year, []).append(page)
        for section, series_list in (("reviews", self.review_series),
                                     ("newsletters", self.newsletter_series)):
            self._write(target / section / "index.md", f"# {section.capitalize()}\n\n"
                        + toctree([f"{s}/index" for s in series_list]))
            for series in series_list:
                years = by_series.get(series, {})
                archive = f"```{{kb:archive}} {series}\n```\n\n" if kb else ""
                if section == "reviews":
                    docs = [p.docname.rsplit("/", 1)[1] for y in sorted(years, reverse=True) for p in years[y]]
                    self._write(target / section / series / "index.md",
                                f"# {series}\n\n{archive}" + toctree(docs, hidden=True))
                    continue
                self._write(target / section / series / "index.md", f"# {series}\n\n{archive}"
                            + toctree([f"{y}/index" for y in sorted(years, reverse=True)], hidden=True))
                for year, pages in years.items():
                    self._write(target / section / series / str(year) / "index.md",
                                f"# {series} in {year}\n\n"
                                + toctree([p.docname.rsplit("/", 1)[1] for p in pages]))

    def _conf(self, flavour: str) -> str:
        series = {s: {"name": s, "url": "https://example.org/", "kind": "newsletter"}
                  for s in self.newsletter_series}
        series.update({s: {"name": s, "url": "https://example.org/", "kind": "review"}
                       for s in self.review_series})
        return textwrap.dedent(f"""\
            # Generated by bench/corpus.py: the project's real configuration, for a generated corpus.
            import runpy, sys
            from pathlib import Path

            _real = runpy.run_path({str(PROJECT / 'conf.py')!r})
            globals().update({{k: v for k, v in _real.items() if not k.startswith("_") and k.islower()}})
            html_static_path = [{str(PROJECT / '_static')!r}]
            html_favicon = {str(PROJECT / '_static' / 'favicon.svg')!r}
            html_logo = {str(PROJECT / '_static' / 'logo.svg')!r}
            kb_series = {series!r}
            templates_path = [{str(PROJECT / '_templates')!r}] if {flavour!r} == "kb" else []
            sys.path.insert(0, {str(Path(__file__).parent)!r})
            extensions = [e for e in extensions if {flavour!r} == "kb" or e != "kb"] + ["probe"]
            suppress_warnings = ["kb.bib_uncited", "bibtex.key_not_found"]
            """)

    def _bib(self) -> str:
        return "".join(
            f"@article{{{e['key']},\n  title = {{{e['title']}}},\n  author = {{{e['author']}}},\n"
            f"  journal = {{Journal of Benchmarks}},\n  year = {{{e['year']}}},\n  doi = {{{e['doi']}}},\n}}\n\n"
            for e in self.refs)

    @staticmethod
    def _write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def toctree(entries: list[str], hidden: bool = False) -> str:
    options = ":hidden:\n" if hidden else ":maxdepth: 1\n"
    return "```{toctree}\n" + options + "\n" + "\n".join(entries) + "\n```\n"
