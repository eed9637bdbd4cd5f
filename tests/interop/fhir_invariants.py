"""The R4 invariants of Questionnaire (que-*) and QuestionnaireResponse (qrs-*), in FHIRPath,
as the R4 specification states them, with the element each applies to."""

from .validators import fhirpath

# key: (context expression from the resource, invariant)
QUESTIONNAIRE = {
    "que-0": ("Questionnaire", "name.exists() implies name.matches('[A-Z]([A-Za-z0-9_]){0,254}')"),
    "que-2": ("Questionnaire", "descendants().linkId.isDistinct()"),
    "que-1": (
        "Questionnaire.repeat(item)",
        "(type='group' implies item.empty().not()) and (type='display' implies item.empty())",
    ),
    "que-3": ("Questionnaire.repeat(item)", "type!='display' or code.empty()"),
    "que-4": ("Questionnaire.repeat(item)", "answerOption.empty() or answerValueSet.empty()"),
    "que-5": (
        "Questionnaire.repeat(item)",
        "(type='choice' or type='open-choice' or type='decimal' or type='integer' or "
        "type='date' or type='dateTime' or type='time' or type='string' or type='quantity') "
        "or (answerValueSet.empty() and answerOption.empty())",
    ),
    "que-6": (
        "Questionnaire.repeat(item)",
        "type!='display' or (required.empty() and repeats.empty())",
    ),
    "que-7": (
        "Questionnaire.repeat(item).enableWhen",
        "operator = 'exists' implies (answer is Boolean)",
    ),
    "que-8": (
        "Questionnaire.repeat(item)",
        "(type!='group' and type!='display') or initial.empty()",
    ),
    "que-9": ("Questionnaire.repeat(item)", "type!='display' or readOnly.empty()"),
    "que-10": (
        "Questionnaire.repeat(item)",
        "(type in ('boolean' | 'decimal' | 'integer' | 'string' | 'text' | 'url' | "
        "'open-choice')) or maxLength.empty()",
    ),
    "que-11": ("Questionnaire.repeat(item)", "answerOption.empty() or initial.empty()"),
    "que-12": (
        "Questionnaire.repeat(item)",
        "enableWhen.count() > 2 implies enableBehavior.exists()",
    ),
    "que-13": ("Questionnaire.repeat(item)", "repeats=true or initial.count() <= 1"),
}
RESPONSE = {
    "qrs-1": ("QuestionnaireResponse.repeat(item)", "(answer.exists() and item.exists()).not()"),
    "qrs-2": (
        "QuestionnaireResponse.repeat(answer | item)",
        "repeat(answer|item).select(item.select(linkId)).isDistinct()",
    ),
}


def broken_invariants(resource: dict, table: dict) -> list[str]:
    """The keys of the invariants that do not hold on some element (empty: all hold)."""
    broken = []
    for key, (context, invariant) in table.items():
        path = context.split(".", 1)[1] if "." in context else None
        elements = fhirpath(resource, path) if path else [resource]
        for element in elements:
            if fhirpath(element, invariant) != [True]:
                broken.append(key)
                break
    return broken


def constraint_results(questionnaire: dict, response: dict) -> dict[str, bool]:
    """Each questionnaire-constraint of the Questionnaire evaluated on a response."""
    results = {}
    for extension in questionnaire.get("extension", []):
        if not extension["url"].endswith("/questionnaire-constraint"):
            continue
        parts = {
            part["url"]: next(v for k, v in part.items() if k.startswith("value"))
            for part in extension["extension"]
        }
        value = fhirpath(response, parts["expression"], {"resource": response})
        results[parts["key"]] = value == [True]
    return results
