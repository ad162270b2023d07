"""The transparency report: what a provider publishes about its reviews, month by month.

- transparency.py: the report (periods, tables, suppression of small counts);
- queries.py: the aggregate queries; tables.py: the table and cell types;
- definitions.py: what each figure means; charts.py: SVG bar charts; export.py: CSV, JSON;
- views.py, urls.py: the page and the API.

It sits in reviews/ because it counts what reviews/ owns: decisions, SLA notices, re-reviews
and suspensions.
"""
