"""The "Figures" inline: uploads checked like the hero's, focal point kept, revisions follow."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Figure
from tests.adminform import form_data
from tests.factories import ExplainerFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (10, 20, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _post_figure(client, superuser, upload: SimpleUploadedFile):
    explainer = ExplainerFactory(authors=[superuser])
    client.force_login(superuser)
    url = reverse("admin:articles_explainer_change", args=[explainer.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data.update(
        {
            "figures-TOTAL_FORMS": "1",
            "figures-0-section": "background",
            "figures-0-position": "1",
            "figures-0-alt": "A small chart",
            "figures-0-caption": "Caption",
            "figures-0-credit": "Chart: Desk",
            "figures-0-focal_x": "20",
            "figures-0-focal_y": "80",
            "figures-0-image": upload,
        }
    )
    return explainer, client.post(url, data)


def test_a_figure_is_uploaded_with_its_focal_point(client, superuser):
    """A real PNG saves as a figure after its section, with the focal point typed."""
    explainer, response = _post_figure(
        client, superuser, SimpleUploadedFile("chart.png", _png(), "image/png")
    )
    assert response.status_code == 302
    figure = Figure.objects.get(explainer=explainer)
    assert (figure.section, figure.focal_x, figure.focal_y) == ("background", 20, 80)
    assert figure.image.name.startswith("figures/") and figure.image.name.endswith(".png")


def test_markup_disguised_as_a_figure_is_refused(client, superuser):
    """An SVG named .png is refused with the hero's message, and nothing is saved."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    explainer, response = _post_figure(
        client, superuser, SimpleUploadedFile("chart.png", svg, "image/png")
    )
    assert response.status_code == 200
    assert "SVG or HTML" in response.content.decode()
    assert not Figure.objects.filter(explainer=explainer).exists()


def test_focal_point_over_100_is_refused(client, superuser):
    """A focal point is a percentage: 140 is refused."""
    explainer = ExplainerFactory(authors=[superuser])
    client.force_login(superuser)
    url = reverse("admin:articles_explainer_change", args=[explainer.pk])
    data = form_data(client.get(url).content.decode(), "explainer_form")
    data["hero_focal_x"] = "140"
    response = client.post(url, data)
    assert response.status_code == 200
    explainer.refresh_from_db()
    assert explainer.hero_focal_x == 50
