"""Search lookups: a full-text match over a search column, through the index each database has."""

from django.db.models import Lookup, TextField

from customers.search import SearchQuery


@TextField.register_lookup
class SearchMatch(Lookup):
    """`search_text__search_match=SearchQuery(...)`: the rows whose search document holds the query's terms.

    - MariaDB/MySQL: MATCH … AGAINST in boolean mode over the column's FULLTEXT index (migration 0010). InnoDB
      applies index changes when a transaction commits: a row is found once its writing transaction committed.
    - SQLite: the row id among the matches of the FTS5 table `<table>_fts` that triggers keep in step with the
      column (migration 0010); SQLite reads the matches from the FTS index, then the rows by id.
    - Elsewhere: LIKE over the column, which reads every row (fine for small databases only).
    """

    lookup_name = "search_match"
    prepare_rhs = False  # the SearchQuery itself, rendered for each database below

    def _query(self) -> SearchQuery:
        if not isinstance(self.rhs, SearchQuery):
            raise TypeError("search_match takes a customers.search.SearchQuery")
        return self.rhs

    def as_mysql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"MATCH ({lhs}) AGAINST (%s IN BOOLEAN MODE)", [*lhs_params, self._query().as_mysql()]

    def as_sqlite(self, compiler, connection):
        model = self.lhs.target.model
        quote = connection.ops.quote_name
        pk = f"{quote(self.lhs.alias)}.{quote(model._meta.pk.column)}"
        fts = quote(f"{model._meta.db_table}_fts")
        return f"{pk} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [self._query().as_fts5()]

    def as_sql(self, compiler, connection):
        return _like_sql(self, compiler, connection)


def _like_sql(lookup, compiler, connection):
    """Each group of the query as LIKE over the column padded with spaces: a token equal to a term, or starting
    with it. Evaluated row by row: it needs no index, and reads only the rows it is given."""
    lhs, lhs_params = lookup.process_lhs(compiler, connection)
    clauses, params = [], []
    for group in lookup._query().groups:
        alternatives = []
        for term in group:
            token = connection.ops.prep_for_like_query(term.token)
            alternatives.append(f"CONCAT(' ', {lhs}, ' ') LIKE %s")
            params += [*lhs_params, f"% {token}{'%' if term.prefix else ' %'}"]
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses) or "1=1", params


@TextField.register_lookup
class SearchScan(SearchMatch):
    """`search_text__search_scan=SearchQuery(...)`: the same rows as `search_match`, found by checking each row
    instead of through the full-text index. For walking a sort index in order: a word on one customer in fifty
    fills a page within a few thousand rows, where the full-text index would hand over every match (tens of
    thousands) to be read and sorted (crm.pagination.CappedPaginator's `scan_queryset`)."""

    lookup_name = "search_scan"

    def as_mysql(self, compiler, connection):
        return _like_sql(self, compiler, connection)

    def as_sqlite(self, compiler, connection):
        return _like_sql(self, compiler, connection)
