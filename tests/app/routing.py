"""Make AppTest route every run through ``app.py``, as a real server does."""

from streamlit.runtime.pages_manager import PagesManager


class NavigationPages(PagesManager):
    """AppTest resets the legacy ``pages/`` folder flag before every run, so each rerun
    of an app that has a ``pages/`` folder *and* calls ``st.navigation`` goes down the
    folder path and opens the page without ``app.py`` (no sidebar). A real server clears
    the flag for good at the first ``st.navigation`` call; this does the same."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False
