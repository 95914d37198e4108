from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """The real argon2 code path with cheap parameters: tests create hundreds of users.

    Hashes still start with "argon2" and verify with the production hasher's algorithm.
    """

    time_cost = 1
    memory_cost = 64
    parallelism = 1
