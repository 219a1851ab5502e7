"""Text similarity for suggestions: tokens of French, English and Arabic text, and TF-IDF
vectors compared by cosine similarity.

Small data (a mission has tens of companies and partners, each a paragraph or two), so plain
Python does it in milliseconds: no scikit-learn, no model, nothing from the network.

A token is a run of letters and digits (Unicode-aware), lowercased; Latin words lose their
accents ("vaccins" and "VACCINS" and "váccins" meet) and a plural "s"; Arabic words lose
their diacritics, the variants of alef, ya and ta marbuta are unified, and a light stemmer
takes off the article and the commonest suffixes ("اللقاحات" and "لقاح" meet). Stop words of
the three languages are dropped, and so are numbers. Sentences many documents share word
for word (templates, disclaimers) are left out before counting.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+")
_ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u0671-\u06D3]")
# Harakat, superscript alef and tatweel: they change neither the word nor its meaning.
_ARABIC_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_LATIN_FOLD = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}

# Light stemming of Arabic (after Larkey's "light10"): one prefix, then suffixes, as long as
# three letters remain. Longest first.
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")

# Small lists, written as people write them; folded below like the words they meet.
STOP_WORDS: dict[str, str] = {
    "fr": """
        à afin ainsi alors au aucun aussi autre autres aux avec avoir c ça car ce ceci cela ces
        cet cette chez comme d dans de des deux donc dont du elle elles en encore entre est et
        être eux été fait faire il ils j l la le les leur leurs lui m ma mais me même mes moins
        n ne ni nos notamment notre nous on ont ou où par pas pendant peu plus pour qu quand
        que quel quelle qui s sa sans se selon ses si son sont sous sur t ta tel telle tels
        tes toute toutes tous tout très un une vers vos votre vous y
    """,
    "en": """
        a about after all also an and any are as at be been being both but by can could do
        does each for from had has have he her his how i if in into is it its may more most
        no not of on or other our over she so some such than that the their them then there
        these they this those through to under up was were we what when where which while who
        whom whose will with within would you your
    """,
    "ar": """
        في من على إلى عن مع هذا هذه ذلك تلك التي الذي الذين أو ثم كل قد لا ما هو هي هم بين
        عند كما أن إن أنه كان كانت لم لن ليس غير بعد قبل حتى إذا أي أيضا و ف ب ل ك
    """,
}


def _is_arabic(word: str) -> bool:
    return _ARABIC_LETTER.search(word) is not None


@lru_cache(maxsize=65536)  # a mission's texts use a few thousand distinct words
def fold(word: str) -> str:
    """Lowercase; Latin loses its accents, Arabic its marks and letter variants."""
    word = word.casefold()
    if _is_arabic(word):
        return _ARABIC_MARKS.sub("", word).translate(_ARABIC_FOLD)
    word = "".join(_LATIN_FOLD.get(char, char) for char in word)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_ALL_STOP_WORDS = frozenset(fold(word) for text in STOP_WORDS.values() for word in text.split())


def stem(word: str) -> str:
    """A light stem of a folded word: enough for "vaccins" to meet "vaccin", no more."""
    if _is_arabic(word):
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix) :]
                break
        stripped = True
        while stripped:
            stripped = False
            for suffix in _ARABIC_SUFFIXES:
                if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                    word = word[: -len(suffix)]
                    stripped = True
                    break
        return word
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _runs(text: str) -> list[str]:
    """The runs of letters and digits of a text, as written.

    Composed first (a decomposed "é" is one letter, not "e" and a mark), and Arabic marks
    taken out first: they are not letters, and would cut "يُنتِجُ" into pieces.
    """
    return _TOKEN.findall(_ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text)))


def words(text: str) -> list[str]:
    """The folded words of a text, in order, stop words kept (for phrase matching)."""
    return [fold(match) for match in _runs(text)]


def tokens_with_surface(text: str) -> list[tuple[str, str]]:
    """(term, surface form) of each meaningful word of ``text``: the term compares, the
    surface form (lowercased, as written) is what a person reads.
    """
    found = []
    for match in _runs(text):
        folded = fold(match)
        if folded.isdigit() or len(folded) < 2 or folded in _ALL_STOP_WORDS:
            continue
        term = stem(folded)
        if term in _ALL_STOP_WORDS:
            continue
        found.append((term, match.casefold()))
    return found


def tokenize(text: str) -> list[str]:
    """The terms of ``text``: folded, stemmed, without stop words or numbers."""
    return [term for term, _surface in tokens_with_surface(text)]


def contains_phrase(haystack: Iterable[str], phrase: str) -> bool:
    """Whether the folded ``phrase`` occurs as whole words in the folded words ``haystack``."""
    needle = _phrase(phrase)
    if not needle:
        return False
    hay = tuple(haystack)
    size = len(needle)
    return any(hay[start : start + size] == needle for start in range(len(hay) - size + 1))


@lru_cache(maxsize=1024)
def _phrase(phrase: str) -> tuple[str, ...]:
    return tuple(words(phrase))


_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")
# A sentence written word for word in this many documents is a template or a disclaimer
# ("Fictional company (demo data).", "Contacts are invented."), not a description: it would
# make every document that carries it look alike.
BOILERPLATE_DOCUMENTS = 3


def sentences(text: str) -> list[str]:
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def without_boilerplate(documents: Mapping[Hashable, str]) -> dict[Hashable, str]:
    """The documents without the sentences that at least ``BOILERPLATE_DOCUMENTS`` share."""
    split = {key: sentences(text) for key, text in documents.items()}
    spread: Counter[tuple[str, ...]] = Counter()
    for parts in split.values():
        spread.update({tuple(words(sentence)) for sentence in parts})
    shared = {sentence for sentence, n in spread.items() if n >= BOILERPLATE_DOCUMENTS}
    return {
        key: "\n".join(part for part in parts if tuple(words(part)) not in shared)
        for key, parts in split.items()
    }


Vector = Mapping[str, float]


@dataclass(frozen=True)
class TfIdf:
    """TF-IDF vectors of a small corpus of documents, each under a key.

    ``tf`` is 1 + ln(count) (a word said five times is not five times as telling), ``idf`` is
    ln((N + 1) / df): a word every document uses weighs almost nothing, a rare one a lot.
    Vectors are normalised, so that the cosine of two is their dot product.
    """

    vectors: Mapping[Hashable, Vector]
    surfaces: Mapping[str, str]

    @classmethod
    def fit(cls, documents: Mapping[Hashable, str]) -> TfIdf:
        documents = without_boilerplate(documents)
        counts: dict[Hashable, Counter[str]] = {}
        surface_counts: dict[str, Counter[str]] = {}
        for key, text in documents.items():
            pairs = tokens_with_surface(text)
            counts[key] = Counter(term for term, _surface in pairs)
            for term, surface in pairs:
                surface_counts.setdefault(term, Counter())[surface] += 1
        document_frequency: Counter[str] = Counter()
        for counted in counts.values():
            document_frequency.update(counted.keys())
        total = len(counts)
        idf = {term: math.log((total + 1) / df) for term, df in document_frequency.items()}
        vectors = {}
        for key, counted in counts.items():
            weights = {term: (1 + math.log(n)) * idf[term] for term, n in counted.items()}
            norm = math.sqrt(sum(weight * weight for weight in weights.values()))
            vectors[key] = (
                {term: weight / norm for term, weight in weights.items() if weight} if norm else {}
            )
        # The commonest way each term is written; ties go to the first in alphabetical order.
        surfaces = {
            term: min(counted.items(), key=lambda item: (-item[1], item[0]))[0]
            for term, counted in surface_counts.items()
        }
        return cls(vectors=vectors, surfaces=surfaces)

    def similarity(self, first: Hashable, second: Hashable) -> float:
        """Cosine similarity of two documents, from 0 (nothing shared) to 1."""
        return cosine(self.vectors.get(first, {}), self.vectors.get(second, {}))

    def shared_terms(self, first: Hashable, second: Hashable, *, limit: int = 3) -> list[str]:
        """The surface forms of the terms that weigh most in the similarity of two documents."""
        a, b = self.vectors.get(first, {}), self.vectors.get(second, {})
        shared = sorted(
            (term for term in a.keys() & b.keys()),
            key=lambda term: (-a[term] * b[term], term),
        )
        return [self.surfaces[term] for term in shared[:limit]]


def cosine(first: Vector, second: Vector) -> float:
    """Cosine similarity of two normalised sparse vectors."""
    if len(second) < len(first):
        first, second = second, first
    return sum(weight * second.get(term, 0.0) for term, weight in first.items())
