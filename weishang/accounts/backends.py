from django.contrib.auth.backends import ModelBackend
