"""The usage guidelines page shows the Markdown as formatted text, sanitized."""

import pytest
from django.urls import reverse

from accounts import services

pytestmark = pytest.mark.django_db


def test_the_shipped_guidelines_render_with_headings_and_lists(client, dev_a):
    client.force_login(dev_a)
    html = client.get(reverse("portal:guidelines")).content.decode()
    assert "<h2>1. Prohibited uses</h2>" in html
    assert "<li>sexualising, grooming or exploiting minors;</li>" in html
    assert "<h2>3. General conditions</h2>" in html
    assert "<br>- " not in html and "<p>- " not in html
    assert html.count("<h1") == 1
    assert html.count("Usage guidelines, version 1</h") == 1  # the page's title, not twice


def test_a_published_text_renders_formatted_and_without_its_markup_tricks(client, dev_a, admin):
    services.guidelines_publish(
        actor=admin,
        text="# Version 2\n\n## Keys\n\n- keep them **secret**\n- rotate them\n\n"
        '<script>alert(1)</script> [bad](javascript:alert(1)) <img src=x onerror="alert(2)">',
    )
    client.force_login(dev_a)
    html = client.get(reverse("portal:guidelines")).content.decode()
    assert "<h2>Version 2</h2>" in html and "<h3>Keys</h3>" in html
    assert "<li>keep them <strong>secret</strong></li>" in html
    region = html.split('class="guidelines-text"', 1)[1].split("</div>", 1)[0]
    assert "<script" not in region and 'href="javascript' not in region
    assert "<img" not in region and "&lt;script&gt;alert(1)&lt;/script&gt;" in region
