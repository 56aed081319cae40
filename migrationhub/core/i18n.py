"""Names stored per language ({"en": ..., "fr": ...}) and the pick for the active language."""

from django.utils.translation import get_language

UN_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh-hans")


def pick(names: dict[str, str] | None, fallback: str = "", language: str | None = None) -> str:
    """The name in `language` (default: the active one), else English, else `fallback`."""
    if not names:
        return fallback
    lang = (language or get_language() or "en").lower()
    return names.get(lang) or names.get(lang.split("-")[0]) or names.get("en") or fallback
