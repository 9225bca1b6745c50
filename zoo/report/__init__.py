"""What the rows say: the comparison table, intervals and tests, figures and the report page.

Importing this package imports nothing heavy: ``zoo.report.table`` serves the CLI at start-up.
"""
