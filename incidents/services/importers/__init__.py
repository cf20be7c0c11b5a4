"""File importers: each reads a format into RowData; common.run_import writes them."""
