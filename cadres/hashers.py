from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the OWASP Password Storage Cheat Sheet's first configuration: 19 MiB, 2 passes, 1 lane.

    Django's own Argon2 defaults (100 MiB) would cost most of a login's time on a small server;
    these parameters keep a login well under half a second while staying memory-hard. Changing
    them later is safe: Django re-hashes a stored password with the current parameters at the
    next successful login.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """For one-time initial passwords issued in bulk from the roster.

    They are random (about 58 bits), must be changed at first login, and a district issues
    thousands at once, so they are hashed with fewer rounds than the default (which takes half
    a second each). Django re-hashes with the preferred hasher on the first successful login.
    """

    algorithm = "pbkdf2_sha256_initial"
    iterations = 60_000
