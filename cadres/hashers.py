from django.contrib.auth.hashers import PBKDF2PasswordHasher


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """For one-time initial passwords issued in bulk from the roster.

    They are random (about 58 bits), must be changed at first login, and a district issues
    thousands at once, so they are hashed with fewer rounds than the default (which takes half
    a second each). Django re-hashes with the preferred hasher on the first successful login.
    """

    algorithm = "pbkdf2_sha256_initial"
    iterations = 60_000
