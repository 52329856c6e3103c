import pytest


@pytest.mark.sphinx("html", testroot="kb")
def test_smoke(app):
    app.build()
    assert not app.warning.getvalue()
