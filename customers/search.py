"""What customer search reads: a customer's search document and the query a typed text becomes.

Pure functions, no database: services store `customer_search_document(...)` in `Customer.search_text`, and
`customers.lookups.SearchMatch` runs a `SearchQuery` against the full-text index over that column (InnoDB
FULLTEXT on MariaDB/MySQL, an FTS5 table on SQLite; migration 0010).

Why a derived column of tokens rather than searching the fields themselves: one full-text index then answers
every form of search in one index lookup, each of which would otherwise need its own index and an OR between
them, which MariaDB cannot serve from two indexes with the list's ORDER BY … LIMIT (it walks the name index and
tests every row instead). The document is built so that each form of search is a word or a word prefix:

- names, without accents and lower-cased: "Lefèvre" and "Lefevre" are both the word "lefevre";
- Chinese, Japanese and Korean text has no spaces between words, so each position of a run of such characters
  is a token of the three characters starting there ("电子有", padded with "_" at the end of the run). A typed
  run of up to three characters is then a prefix of the token at each place it occurs (电子 finds
  联合联合电子有限公司 by the token 电子有); a longer one needs each of its three-character pieces. Three, not
  two: InnoDB does not index words shorter than innodb_ft_min_token_size (3), and MariaDB has no ngram parser;
- an email address is its words ("buyer", "acme", "test": typed fragments without "@"), the whole address as
  one word ("buyer_acme_test": a typed address with "@" is a prefix of it) and its domain ("acme_test");
- a phone number is its digits ("_p442079460001": typed from the country code on) and its digits reversed
  ("_s100064970244"): the last digits typed, reversed, are a prefix of that, so "0001", "7946 0001",
  "20 7946 0001" and the national "020 7946 0001" (trunk 0 dropped) all find +44 20 7946 0001;
- the same for each contact of the customer that is not in the recycle bin.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# InnoDB's default FULLTEXT settings: words under 3 characters and these stopwords are not indexed, and a
# required stopword makes a boolean query match nothing, so the query leaves them out (FTS5 follows the same rule,
# so both databases find the same customers).
FT_MIN_LEN = 3
FT_MAX_LEN = 84  # innodb_ft_max_token_size: a longer token is not indexed, so tokens and typed prefixes are cut
FT_STOPWORDS = frozenset(
    "a about an are as at be by com de en for from how i in is it la of on or that the this to was what when "
    "where who will with und www".split()
)
# A query reads at most this many words (each is one more condition for the index to intersect).
MAX_TERMS = 10
# Typed digits below this many are searched as the start of the number only (see customers.selectors): as the
# last digits they would match a tenth to a thousandth of all customers.
PHONE_SUFFIX_MIN_DIGITS = 4
# A national number typed with its trunk prefix ("020 7946 0001") has at least this many digits; shorter input
# starting with 0 ("0001") is the last digits as typed.
NATIONAL_MIN_DIGITS = 7

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
_EMAIL_SEPARATORS = re.compile(r"[^0-9a-z]+")
PHONE_PREFIX, PHONE_SUFFIX = "_p", "_s"


def fold(text: str) -> str:
    """Lower case without accents: "Lefèvre" → "lefevre", "Straße" → "strasse". Leaves CJK as it is."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _cjk_tokens(run: str) -> list[str]:
    return [run[i : i + 3].ljust(3, "_") for i in range(len(run))]


def text_tokens(text: str) -> list[str]:
    """The index tokens of free text (a name): folded words, and three-character pieces of CJK runs."""
    tokens: list[str] = []
    for run in _RUN.findall(fold(text or "")):
        tokens.extend(_cjk_tokens(run) if _IS_CJK.match(run) else [run])
    return tokens


def is_cjk_only(text: str) -> bool:
    """Whether every word of `text` is Chinese, Japanese or Korean."""
    runs = _RUN.findall(fold(text))
    return bool(runs) and all(_IS_CJK.match(run) for run in runs)


def _joined(text: str) -> str:
    return _EMAIL_SEPARATORS.sub("_", fold(text)).strip("_")


def email_tokens(email: str) -> list[str]:
    """The words of an address, the whole address as one token, and its domain as one token."""
    email = (email or "").strip()
    if not email:
        return []
    local, _at, domain = email.rpartition("@") if "@" in email else ("", "", email)
    return [*text_tokens(local), *text_tokens(domain), _joined(email), _joined(domain)]


def phone_tokens(digits: str) -> list[str]:
    """The digits from the start (with the country code) and reversed (for the last digits)."""
    return [PHONE_PREFIX + digits, PHONE_SUFFIX + digits[::-1]] if digits else []


def customer_search_document(
    *, name: str, email: str, phone_digits: str, contacts: Iterable[tuple[str, str, str]] = ()
) -> str:
    """The text stored in `Customer.search_text`: unique tokens separated by spaces, each at most FT_MAX_LEN
    characters. `contacts` are (name, email, phone digits) of the customer's live contacts."""
    tokens = [*text_tokens(name), *email_tokens(email), *phone_tokens(phone_digits)]
    for contact_name, contact_email, contact_digits in contacts:
        tokens += [*text_tokens(contact_name), *email_tokens(contact_email), *phone_tokens(contact_digits)]
    return " ".join(dict.fromkeys(token[:FT_MAX_LEN] for token in tokens if token))


# Queries -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    token: str
    prefix: bool = True


@dataclass
class SearchQuery:
    """Every group must match; a group matches when any of its terms does (a term matches a token equal to it,
    or starting with it when `prefix`)."""

    groups: list[list[Term]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def as_mysql(self) -> str:
        """InnoDB boolean mode: `+(a* b*) +c`."""
        return " ".join(
            "+(" + " ".join(f"{t.token}{'*' if t.prefix else ''}" for t in group) + ")" for group in self.groups
        )

    def as_fts5(self) -> str:
        """SQLite FTS5: `("a"* OR "b"*) AND "c"`."""
        return " AND ".join(
            "(" + " OR ".join(f'"{t.token}"{"*" if t.prefix else ""}' for t in group) + ")" for group in self.groups
        )


def _word_terms(text: str) -> list[list[Term]]:
    groups: list[list[Term]] = []
    for run in _RUN.findall(fold(text)):
        if _IS_CJK.match(run):
            if len(run) <= 3:
                groups.append([Term(run)])
            else:  # each three-character piece, as the document holds it
                groups.extend([Term(run[i : i + 3], prefix=False)] for i in range(len(run) - 2))
        elif len(run) >= FT_MIN_LEN and run not in FT_STOPWORDS:
            groups.append([Term(run[:FT_MAX_LEN])])
    return groups


def text_query(text: str) -> SearchQuery:
    """Words, CJK text and email addresses (or parts of them) typed in the search box. Empty when nothing typed
    can be found in the index (only short words or stopwords)."""
    groups: list[list[Term]] = []
    for chunk in text.split():
        if "@" in chunk:
            local, _at, domain = chunk.partition("@")
            joined = _joined(f"{local}_{domain}" if local else domain)
            if joined:
                groups.append([Term(joined[:FT_MAX_LEN])])
        else:
            groups.extend(_word_terms(chunk))
    return SearchQuery(groups[:MAX_TERMS])


def phone_query(digits: str) -> SearchQuery:
    """Digits typed without "+": the start of the number with its country code (as stored), or its end: the last
    digits, the number without its country code, or the national number with its trunk 0."""
    terms = [Term(PHONE_PREFIX + digits)]
    national = digits[1:] if digits.startswith("0") and len(digits) >= NATIONAL_MIN_DIGITS else digits
    terms.append(Term(PHONE_SUFFIX + national[::-1]))
    if digits.startswith("00") and len(digits) >= NATIONAL_MIN_DIGITS:
        terms.append(Term(PHONE_PREFIX + digits[2:]))  # the international call prefix 00 instead of +
    return SearchQuery([terms])
