"""The page footer credits every dataset whose incidents the reader may see (#13 part 5)."""
from .selectors import credited_datasets


def dataset_credits(request):
    """`dataset_credits`: evaluated only by a template that shows it (the footer)."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"dataset_credits": lambda: list(credited_datasets(user))}
