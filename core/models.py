"""core has no tables. The module exists because Django sends `post_migrate` only for apps
with a models module, and core.apps keeps the editorial roles in step on that signal."""
