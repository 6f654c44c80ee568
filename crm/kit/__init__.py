"""The page kit every app builds its pages from, so no app copies another's views or templates.

`crm.kit.views` holds the generic pages (lists, CSV exports, an owned record's pages, forms that call one
service, deletes to the recycle bin), `crm.kit.export` the CSV pieces, `crm.kit.templatetags.kit_tags` the
template tags, and `templates/kit/` the templates. docs/platform.md shows how an app uses them.
"""
