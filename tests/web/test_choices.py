"""Every option of every select, radio and checkbox field is a WTForms ``SelectChoice`` (web/ui/choices.py):
WTForms 3.3 deprecates ``(value, label)`` tuples and 3.4 removes them."""

import importlib
import inspect
import pkgutil
import warnings

from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.fields import SelectFieldBase
from wtforms.fields.choices import SelectChoice

import web
from web.ui.choices import options


def _form_classes() -> list[type[Form]]:
    found = []
    for module_info in pkgutil.walk_packages(web.__path__, "web."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Form) and cls not in (Form, FlaskForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_options_keeps_values_labels_and_order():
    built = options([("A", "Class A"), ("", "Any class")])
    assert all(isinstance(c, SelectChoice) for c in built)
    assert [(c.value, c.label) for c in built] == [("A", "Class A"), ("", "Any class")]


def test_every_form_field_offers_select_choices_without_deprecation_warnings(app):
    classes = _form_classes()
    assert len(classes) >= 15  # the forms of admin, review, rules, search, submit and subscriptions
    checked = 0
    with app.test_request_context(), warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for cls in classes:
            form = cls(meta={"csrf": False}) if issubclass(cls, FlaskForm) else cls()
            for field in form:
                if not isinstance(field, SelectFieldBase) or field.choices is None:
                    continue
                assert field.choices, f"{cls.__name__}.{field.name} has no options"
                bad = [c for c in field.choices if not isinstance(c, SelectChoice)]
                assert not bad, f"{cls.__name__}.{field.name}: {bad[:3]} are not SelectChoice: use options()"
                assert [c.value for c in field.iter_choices()] == [c.value for c in field.choices]
                checked += 1
    assert checked >= 20
