"""JUnit XML that strict consumers accept: the elements and attributes of the common Jenkins schema
(jenkinsci/xunit-plugin, junit-10.xsd) and nothing else; where each case's clause is written is kept,
as suite properties."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from peacecheck.checker import check, load_project, render

# What junit-10.xsd allows: element -> (attributes, required attributes, child elements).
SCHEMA = {
    "testsuites": ({"name", "time", "tests", "failures", "errors"}, set(), {"testsuite"}),
    "testsuite": ({"name", "tests", "failures", "errors", "group", "time", "skipped", "timestamp", "hostname", "id",
                   "package", "file", "log", "url"}, {"name", "tests", "failures", "errors"},
                  {"testsuite", "properties", "testcase", "system-out", "system-err"}),
    "properties": (set(), set(), {"property"}),
    "property": ({"name", "value"}, {"name", "value"}, set()),
    "testcase": ({"name", "time", "classname", "group"}, {"name"},
                 {"skipped", "error", "failure", "system-out", "system-err"}),
    "failure": ({"type", "message"}, set(), set()),
    "error": ({"type", "message"}, set(), set()),
    "skipped": ({"type", "message"}, set(), set()),
    "system-out": (set(), set(), set()),
    "system-err": (set(), set(), set()),
}


def schema_errors(element: ET.Element) -> list[str]:
    allowed, required, children = SCHEMA[element.tag]
    errors = [f"<{element.tag}> has no {name!r}" for name in sorted(required - set(element.attrib))]
    errors += [f"<{element.tag}> may not have {name!r}" for name in sorted(set(element.attrib) - allowed)]
    for child in element:
        if child.tag not in children:
            errors.append(f"<{element.tag}> may not contain <{child.tag}>")
        else:
            errors += schema_errors(child)
    return errors


def junit_of(in_repo) -> ET.Element:
    return ET.fromstring(render(check(load_project("proposals/miami.peace")), "junit").encode("utf-8"))


def test_junit_fits_the_common_jenkins_schema(in_repo):
    root = junit_of(in_repo)
    assert root.tag == "testsuites" and len(root) >= 2
    assert schema_errors(root) == []


def test_junit_keeps_each_case_location_as_a_suite_property(in_repo):
    lines = (in_repo / "proposals" / "miami.peace").read_text(encoding="utf-8").splitlines()
    for suite in junit_of(in_repo):
        assert suite.get("file") == "proposals/miami.peace"
        where = {p.get("name"): p.get("value") for p in suite.find("properties")}
        cases = suite.findall("testcase")
        assert sorted(where) == sorted(case.get("name") for case in cases)
        for case in cases:
            file, line = where[case.get("name")].rsplit(":", 1)
            assert file == "proposals/miami.peace"
            number = re.match(r"clause (\S+):", case.get("name"))
            if number:  # the property points at the clause's own line
                assert re.match(rf'\s*clause {re.escape(number[1])}\b', lines[int(line) - 1])
            else:
                assert (case.get("name"), line) == ("the proposal as a whole", "1")
