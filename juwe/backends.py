from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Checks user name and password; grants no permissions.

    What a user may do comes from the role-based policy in juwe/access.py (rules), never from
    Django's per-model permission flags – so no permission queries on every request either.
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False
