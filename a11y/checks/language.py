"""3.1.1 Language of page and 3.1.2 Language of parts.

The page's ``lang`` must be the language the visitor chose. For parts, we look at
each block of text and count common Dutch and English function words: a block that
is clearly in the other language must carry its own ``lang`` (this also catches
text that was never translated)."""

from __future__ import annotations

import re

from a11y.checks.context import CheckContext, js_with_path
from a11y.findings import VIOLATION, Finding, node

STOPWORDS = {
    "nl": {
        "de",
        "het",
        "een",
        "en",
        "van",
        "is",
        "op",
        "te",
        "dat",
        "niet",
        "u",
        "uw",
        "wij",
        "we",
        "met",
        "voor",
        "bij",
        "naar",
        "ook",
        "of",
        "zijn",
        "wordt",
        "worden",
        "heeft",
        "hebben",
        "deze",
        "dit",
        "als",
        "om",
        "kunt",
        "nog",
        "wat",
        "hoe",
        "waarom",
        "geen",
        "maar",
        "over",
        "uit",
        "door",
    },
    "en": {
        "the",
        "and",
        "of",
        "to",
        "is",
        "your",
        "you",
        "we",
        "with",
        "for",
        "not",
        "by",
        "at",
        "this",
        "that",
        "are",
        "be",
        "has",
        "have",
        "will",
        "can",
        "from",
        "our",
        "what",
        "how",
        "why",
        "no",
        "but",
        "about",
        "which",
        "when",
        "it",
        "an",
        "or",
        "was",
        "were",
        "do",
        "does",
    },
}
WORD = re.compile(r"[a-zà-ÿ]+")

BLOCKS_JS = js_with_path("""() => {
  const blocks = [];
  for (const el of document.body.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, td, th, dd, dt, label, legend, figcaption, blockquote, summary, caption, button, a, title')) {
    if (!el.checkVisibility()) continue;
    // Only the innermost blocks, so a list item and its link are not judged twice.
    if (el.querySelector('p, li, td, dd, label, legend, button, a')) continue;
    const own = el.closest('[lang]');
    blocks.push({selector: cssPath(el), text: el.innerText.slice(0, 400), lang: own ? own.getAttribute('lang') : ''});
  }
  // Links to a page in another language ("English", "Nederlands") are in that language.
  const switches = [...document.querySelectorAll('a[hreflang]')].filter(a => a.checkVisibility()).map(a => {
    const own = a.closest('[lang]');
    return {selector: cssPath(a), html: a.outerHTML.slice(0, 200), hreflang: a.getAttribute('hreflang'),
            lang: own ? own.getAttribute('lang') : ''};
  });
  return {lang: document.documentElement.getAttribute('lang') || '', blocks: blocks, switches: switches};
}""")


def guess_language(text: str) -> str | None:
    """'nl' or 'en' when the text clearly is one of them, else None."""
    words = WORD.findall(text.lower())
    if len(words) < 6:
        return None
    counts = {lang: sum(word in stop for word in words) for lang, stop in STOPWORDS.items()}
    for lang, other in (("nl", "en"), ("en", "nl")):
        if counts[lang] >= 3 and counts[lang] > 2 * counts[other]:
            return lang
    return None


def language(page, ctx: CheckContext) -> list[Finding]:
    data = page.evaluate(BLOCKS_JS)
    findings = []
    page_lang = data["lang"].split("-")[0].lower()
    if page_lang != ctx.language:
        findings.append(
            Finding(
                check="page-language",
                kind=VIOLATION,
                criteria=["3.1.1"],
                description=f"The page says it is in '{data['lang'] or '(none)'}', but it should be '{ctx.language}'.",
                help="Set <html lang> to the language of the page.",
                impact="serious",
                nodes=[node("html")],
            )
        )
    wrong = []
    for block in data["blocks"]:
        guessed = guess_language(block["text"])
        declared = (block["lang"] or data["lang"]).split("-")[0].lower()
        if guessed and guessed != declared:
            wrong.append(
                node(block["selector"], "", f"looks like '{guessed}', marked '{declared}': {block['text'][:120]}")
            )
    for switch in data["switches"]:
        if switch["lang"].split("-")[0].lower() != switch["hreflang"].split("-")[0].lower():
            wrong.append(
                node(
                    switch["selector"],
                    switch["html"],
                    f"links to '{switch['hreflang']}' content but is marked '{switch['lang']}'",
                )
            )
    if wrong:
        findings.append(
            Finding(
                check="language-of-parts",
                kind=VIOLATION,
                criteria=["3.1.2"],
                description="Text in another language than the page is not marked with its own lang attribute "
                "(or it was not translated).",
                help='Translate the text, or mark it with lang="nl" / lang="en" so screen readers pronounce it right.',
                impact="moderate",
                nodes=wrong[:8],
            )
        )
    return findings
