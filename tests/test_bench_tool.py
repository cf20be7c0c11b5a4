"""The benchmark suite (tools/bench, `make bench`) lives outside the product and guards the
database it is pointed at: it would add a million synthetic incidents."""
import pytest

from tools.bench.__main__ import main


@pytest.mark.django_db
def test_the_benchmark_refuses_a_database_not_named_for_it(capsys):
    assert main(["--count", "1"]) == 2
    assert "does not look like a benchmark database" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_write_costs_breakdown_refuses_a_database_not_named_for_it(capsys):
    from tools.bench.write_costs import main as write_costs

    assert write_costs(["--repeat", "1"]) == 2
    assert "does not look like a benchmark database" in capsys.readouterr().err


def test_no_product_module_imports_the_tools():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    importing = re.compile(r"^\s*(from|import) tools\b", re.MULTILINE)
    offenders = [str(path.relative_to(root)) for app in ("config", "incidents", "regions", "security")
                 for path in (root / app).rglob("*.py") if importing.search(path.read_text("utf-8"))]
    assert offenders == []
