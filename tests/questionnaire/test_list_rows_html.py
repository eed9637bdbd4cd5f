"""My assessments writes its table rows in Python (assessments/questionnaire/list_rows_html.py):
the same markup as the template it replaced, for every kind of line, every value escaped."""

import re

import pytest
from django.template import engines
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from tests.factories import make_assessment

# The rows as the template wrote them before they were written in Python.
TEMPLATE_ROWS = """
{% for row in rows %}
<tr>
  <th scope="row"><a class="text-nowrap" href="{{ row.open_url }}">{{ row.assessment.patient_ref|default:"(no reference)" }}</a>{% if row.amends or row.amendment %}{% with amends=row.amends amendment=row.amendment %}
{% if amends %}
  <div class="small text-body-secondary">amends <a href="{% url 'assessments:open' amends.pk %}">{{ amends.patient_ref }}, finalized {{ amends.finalized_at|date }}</a></div>
{% endif %}
{% if amendment %}
  <div class="small text-body-secondary">{% if amendment.is_final %}superseded by{% else %}amendment in progress:{% endif %} <a href="{% url 'assessments:open' amendment.pk %}">{{ amendment.patient_ref }}{% if amendment.is_final %}, finalized {{ amendment.finalized_at|date }}{% endif %}</a></div>
{% endif %}{% endwith %}{% endif %}</th>
  <td data-label="Level">{{ row.assessment.treated_level|default:"—" }}</td>
  <td data-label="Assessed" class="text-nowrap">{% if row.assessment.assessment_date %}{{ row.assessment.assessment_date|date }}{% else %}—{% endif %}</td>
  <td data-label="Status">{% if row.is_final %}<span class="badge text-bg-dark">{{ row.status_label }}</span>{% else %}<span class="badge text-bg-light border">{{ row.status_label }}</span> <span class="small d-block{% if row.ready %} fw-semibold text-success-emphasis{% endif %}">{{ row.progress }}</span>{% endif %}</td>
  <td data-label="Recommendation">{% if row.recommendation_label %}<span class="badge text-bg-{{ row.recommendation_tone }} badge-recommendation text-wrap text-start">{{ row.recommendation_label }}</span>{% else %}<span class="text-body-secondary">—<span class="visually-hidden"> (not final)</span></span>{% endif %}</td>
  <td class="text-nowrap" data-label="Last change"><time datetime="{{ row.assessment.updated|date:'Y-m-d\\TH:i:sO' }}">{{ row.assessment.updated|date }}<br><span class="small text-body-secondary">{{ row.assessment.updated|time }}</span></time></td>
  <td class="text-end"><div class="d-flex flex-wrap justify-content-end gap-1">
    <a class="btn btn-sm btn-outline-secondary text-nowrap" href="{{ row.pdf_url }}" download aria-label="Download PDF for {{ row.assessment.patient_ref|default:'this assessment' }}">Download PDF</a>
    {% if not row.is_final %}<a class="btn btn-sm btn-outline-danger text-nowrap" href="{{ row.discard_url }}" aria-label="Discard the draft {{ row.assessment.patient_ref|default:'without a reference' }}">Discard…</a>{% endif %}
  </div></td>
</tr>
{% endfor %}
"""


def _tags(html: str) -> str:
    """The markup without the whitespace between tags (the only difference allowed)."""
    return re.sub(r">\s+<", "><", html).strip()


@pytest.fixture
def every_kind_of_line(alice):
    """A final line, a draft ready to finalize, a draft in progress, one with no reference and
    no level or date, an amended final with its final amendment and one in progress, and a
    reference that needs escaping."""
    make_assessment(alice, patient_ref='<b>"R&D"</b>')
    ready = make_assessment(alice, patient_ref="READY")
    services.assessment_finalize(assessment=make_assessment(alice, patient_ref="FINAL"), user=alice)
    Assessment.objects.create(owner=alice)
    make_assessment(alice, patient_ref="HALF", mri_performed=None, cleft_sign="")
    first = services.assessment_finalize(
        assessment=make_assessment(alice, patient_ref="CHAIN"), user=alice
    )
    second = services.assessment_finalize(
        assessment=services.assessment_amend(assessment=first, user=alice, reason="level"),
        user=alice,
    )
    services.assessment_amend(assessment=second, user=alice, reason="date")
    return ready


def test_every_kind_of_line_is_written_as_the_template_wrote_it(client, alice, every_kind_of_line):
    client.force_login(alice)
    response = client.get(reverse("assessments:list"))
    context = response.context
    expected = engines["django"].from_string(TEMPLATE_ROWS).render({"rows": context["rows"]})
    assert len(context["rows"]) == 8
    assert _tags(str(context["rows_html"])) == _tags(expected)
    page = response.content.decode()
    assert _tags(str(context["rows_html"])) in _tags(page)
    assert "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;" in page
    assert '<b>"R&D"</b>' not in page
    for text in ("superseded by", "amendment in progress:", "amends ", "(no reference)"):
        assert text in page
