"""Search lookups: an InnoDB FULLTEXT word-prefix match on MySQL/MariaDB."""

from django.db.models import CharField, Lookup


@CharField.register_lookup
class WordPrefix(Lookup):
    """`name__word_prefix="ac sm"` matches names with a word starting "ac" and a word starting "sm".

    On MySQL/MariaDB it is MATCH … AGAINST in boolean mode over the FULLTEXT index from migration 0002, so it
    reads the index instead of scanning every row. Elsewhere it falls back to LIKE (fine for small databases).
    The caller passes only words that the FULLTEXT index holds (see selectors.fulltext_words).
    """

    lookup_name = "word_prefix"

    def as_mysql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        words = str(self.rhs).split()
        query = " ".join(f"+{word}*" for word in words)
        return f"MATCH ({lhs}) AGAINST (%s IN BOOLEAN MODE)", [*lhs_params, query]

    # Characters that start a new word, as InnoDB's FULLTEXT parser splits them.
    WORD_BREAKS = (" ", "-", "'", ".", "(", "/", "&", ",")

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        clauses, params = [], []
        for word in str(self.rhs).lower().split():
            patterns = [f"{word}%", *(f"%{brk}{word}%" for brk in self.WORD_BREAKS)]
            clauses.append("(" + " OR ".join(f"LOWER({lhs}) LIKE %s" for _ in patterns) + ")")
            for pattern in patterns:
                params += [*lhs_params, pattern]
        return " AND ".join(clauses) or "1=1", params
