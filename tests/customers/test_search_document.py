"""What search stores for a customer and what a typed text becomes, for each database (no database needed)."""

from customers.search import customer_search_document, phone_query, text_query


def test_document_holds_folded_words_cjk_pieces_email_and_phone_tokens():
    document = customer_search_document(
        name="Lefèvre 电子公司", email="Buyer@Acme.test", phone_digits="442079460001", contacts=[("Zoë", "", "")]
    ).split()

    assert {"lefevre", "电子公", "子公司", "公司_", "司__", "buyer", "acme", "test", "buyer_acme_test"} <= set(document)
    assert {"_p442079460001", "_s100064970244", "zoe"} <= set(document)


def test_queries_for_each_database():
    assert text_query("Acme 电子 of x").as_mysql() == "+(acme*) +(电子*)"
    assert text_query("联合电子").as_fts5() == '("联合电") AND ("合电子")'
    assert phone_query("02079460001").as_mysql() == "+(_p02079460001* _s1000649702*)"
    assert not text_query("de la")
