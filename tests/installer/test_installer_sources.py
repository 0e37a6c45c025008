"""The installer sources say what district IT relies on; the bundle finds its resources as package data.

CI also builds the bundle and the MSI and validates the desktop files with the
real tools (.ci/run); these tests read the sources so a change that breaks a
promise (per-machine, upgrade in place, user data kept) fails at once.
"""

from __future__ import annotations

import configparser
import tomllib
import xml.etree.ElementTree as ET
from importlib import resources as importlib_resources
from pathlib import Path

import pytest

import safetydesk
from safetydesk import resources

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
WIX = {"w": "http://schemas.microsoft.com/wix/2006/wi"}
# Never change: Windows recognises an upgrade of SafetyDesk by this code.
UPGRADE_CODE = "06973736-F291-4739-8D36-4530DC2A4DE6"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def wxs() -> ET.Element:
    return ET.parse(INSTALLER / "windows" / "SafetyDesk.wxs").getroot()


def test_one_version_everywhere():
    assert safetydesk.__version__ == PROJECT["version"]
    meta = ET.parse(INSTALLER / "linux" / "org.safetydesk.SafetyDesk.metainfo.xml").getroot()
    assert meta.find("releases/release").get("version") == PROJECT["version"]
    spec = (INSTALLER / "safetydesk.spec").read_text("utf-8")
    assert 'PROJECT["version"]' in spec and "pyproject.toml" in spec  # the spec reads it, never repeats it


def test_the_msi_is_per_machine_upgrades_in_place_and_has_a_start_menu_entry():
    product = wxs().find("w:Product", WIX)
    assert product.get("Id") == "*"  # a new product code for every build: a major upgrade
    assert product.get("UpgradeCode") == UPGRADE_CODE
    assert product.get("Version") == "$(var.Version)"
    assert product.find("w:Package", WIX).get("InstallScope") == "perMachine"
    assert product.find("w:MajorUpgrade", WIX).get("DowngradeErrorMessage")
    (shortcut,) = product.iter(f"{{{WIX['w']}}}Shortcut")
    assert shortcut.get("Directory") == "ProgramMenuFolder" and shortcut.get("Name") == "SafetyDesk"
    files = {f.get("Name") for f in product.iter(f"{{{WIX['w']}}}File")}
    assert files == {"SafetyDesk.exe", "safetydesk-cli.exe"}
    assert product.find(".//w:ComponentGroupRef[@Id='BundleFiles']", WIX) is not None


def test_the_msi_never_touches_user_data_or_the_site_configuration():
    text = (INSTALLER / "windows" / "SafetyDesk.wxs").read_text("utf-8")
    for where in ("AppDataFolder", "LocalAppDataFolder", "CommonAppDataFolder", "PersonalFolder"):
        assert f'"{where}"' not in text, where
    for element in ("RemoveFolder", "RemoveFile", "util:RemoveFolderEx", "CustomAction"):
        assert f"<{element}" not in text, element
    directories = {d.get("Id") for d in wxs().iter(f"{{{WIX['w']}}}Directory")}
    assert directories == {"TARGETDIR", "ProgramFiles64Folder", "INSTALLDIR", "ProgramMenuFolder"}


def test_the_spec_is_not_tied_to_one_platform():
    spec = (INSTALLER / "safetydesk.spec").read_text("utf-8")
    for linux_only in ("/usr/", "/opt/", ".so", "/etc/", "site-packages", "python3.11"):
        assert linux_only not in spec, linux_only
    assert "launcher.py" in spec and "collect_submodules(\"safetydesk\")" in spec
    assert 'collect_data_files("safetydesk")' in spec  # style sheet, icons, fonts, word lists


def test_the_desktop_entry_names_the_program_and_the_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(INSTALLER / "linux" / "org.safetydesk.SafetyDesk.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Exec"] == "SafetyDesk"
    assert section["Icon"] == "org.safetydesk.SafetyDesk"
    meta = ET.parse(INSTALLER / "linux" / "org.safetydesk.SafetyDesk.metainfo.xml").getroot()
    assert meta.findtext("id") == "org.safetydesk.SafetyDesk"
    assert meta.find("launchable").text == "org.safetydesk.SafetyDesk.desktop"


@pytest.mark.parametrize("name", [resources.STYLE_SHEET, resources.ICON_SVG, resources.ICON_PNG,
                                  resources.ICON_ICO, "fonts/NotoSans-Regular.ttf", "fonts/NotoSans-Bold.ttf",
                                  "fonts/OFL.txt"])
def test_resources_are_package_data_found_through_importlib_resources(name):
    packaged = importlib_resources.files("safetydesk.resources").joinpath(name)
    assert packaged.is_file(), name
    assert resources.file(name) == Path(str(packaged))
    assert not (ROOT / "resources").exists()  # moved into the package: one copy only


def test_the_package_data_patterns_ship_every_resource():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"]["safetydesk"]
    package = ROOT / "src" / "safetydesk"
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    every = {p for p in (package / "resources").rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")}
    assert every <= shipped, sorted(str(p.relative_to(package)) for p in every - shipped)


def test_a_resource_folder_can_be_pointed_elsewhere_and_a_missing_one_is_reported(tmp_path, monkeypatch):
    (tmp_path / "style.qss").write_text("QWidget {}", "utf-8")
    monkeypatch.setenv("SAFETYDESK_RESOURCES", str(tmp_path))
    assert resources.folder() == tmp_path
    assert resources.file("icons/safetydesk.svg") is None


def test_pdfs_use_the_shipped_font():
    from safetydesk.reports.letterhead import FONT_FILES, font_data, fonts

    for key in ("regular", "bold"):
        shipped = resources.file(f"fonts/{FONT_FILES[key]}")
        assert shipped is not None and font_data(FONT_FILES[key]) == shipped.read_bytes()
    assert fonts().regular == "SD-Regular"
