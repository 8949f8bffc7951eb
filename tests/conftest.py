"""Shared test settings."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "downhill", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("downhill")
