"""Imported once by the cleaning pool's fork server (cleaning.py), so that each worker it forks
starts with Django set up, the models and libphonenumber loaded: about a second less per worker
than setting them up in each. The fork server has no threads and no database connection, so
forking it is safe."""

import django
import phonenumbers  # noqa: F401 -- loaded here to be shared

django.setup()
