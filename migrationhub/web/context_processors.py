"""What every page needs: the language list, the text direction, the site name."""

from django.conf import settings
from django.utils.translation import get_language, get_language_bidi


def site(request):
    return {
        "SITE_NAME": "MigrationHub",
        "LANGUAGES_UN": settings.LANGUAGES,
        "CURRENT_LANGUAGE": get_language(),
        "TEXT_DIRECTION": "rtl" if get_language_bidi() else "ltr",
    }
