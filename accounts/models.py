import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from guardian.models import UserObjectPermissionBase

from accounts.auth.emails import normalize_email, skeleton


class Role(models.TextChoices):
    DEVELOPER = "developer", "Developer"
    REVIEWER = "reviewer", "Reviewer"
    ADMIN = "admin", "Administrator"
    GATEWAY = "gateway", "Gateway"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email=normalize_email(email))

    def create_user(self, email, password=None, **extra):
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Email is the login. One role per account; reviewers carry specialties and opt-outs
    (policy domain slugs). Administrators are staff: they reach the admin site and the audit log."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    # The address's UTS #39 confusable skeleton: no two accounts should share one.
    email_skeleton = models.CharField(max_length=1024, db_index=True, editable=False, default="")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.DEVELOPER)
    specialties = models.JSONField(default=list, blank=True)
    opt_outs = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "email" in update_fields:
            self.email_skeleton = skeleton(self.email)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "email_skeleton"}
        super().save(*args, **kwargs)

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


class SignInAddress(models.Model):
    """An address (an IPv6 address's /64) an account signed in from: past the hourly bound
    on failed sign-ins, only these may still try (accounts/auth/bound.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_addresses")
    network = models.CharField(max_length=45)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="unique_sign_in_address")
        ]

    def __str__(self):
        return f"{self.user} from {self.network}"


class Organization(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} in {self.organization}"


class OrganizationUserPermission(UserObjectPermissionBase):
    """Direct-foreign-key object permissions: they go when the organization goes
    (generic guardian rows would outlive it)."""

    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


class GuidelinesVersion(models.Model):
    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"Usage guidelines v{self.version}"


class GuidelinesAcceptance(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="acceptances")
    guidelines = models.ForeignKey(
        GuidelinesVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "guidelines"], name="unique_acceptance")
        ]

    def __str__(self):
        return f"{self.user} accepted v{self.guidelines.version}"
