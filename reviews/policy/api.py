"""Policy API for administrators: the versions, a draft's simulation, its publication; the
same for the screening classifier's versions. One
view per operation, each calling one service; domain errors become 404/409/400 in
config.exceptions."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import NotFound
from accounts.permissions import IsAdmin
from approvals.models import ClassifierVersion, PolicyVersion
from approvals.policy import simulation
from approvals.policy.classifier import simulation as classifier_simulation
from approvals.policy.classifier import versions as classifiers
from approvals.serializers import MatchSerializer
from reviews.access import policy_changes


def _version(number: int) -> PolicyVersion:
    version = PolicyVersion.objects.filter(number=number).first()
    if version is None:
        raise NotFound(f"There is no policy v{number}.", code="not_found")
    return version


class PolicyVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.CharField()
    notes = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    rescreen = serializers.DictField(
        allow_null=True,
        help_text=(
            "For a published version: whether its active grants were re-screened "
            "(done, superseded_by, baseline, counts)."
        ),
    )


class VerdictSerializer(serializers.Serializer):
    route = serializers.ChoiceField(choices=simulation.ROUTE_ORDER)
    domains = serializers.ListField(child=serializers.CharField())


class ChangeSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    title = serializers.CharField()
    organization = serializers.CharField()
    status = serializers.CharField()
    revision = serializers.IntegerField()
    before = VerdictSerializer()
    after = VerdictSerializer()
    direction = serializers.ChoiceField(choices=[simulation.STRICTER, simulation.LOOSER])
    new_domains = serializers.ListField(child=serializers.CharField())
    dropped_domains = serializers.ListField(child=serializers.CharField())
    grant = serializers.IntegerField(allow_null=True)
    grant_status = serializers.CharField(allow_null=True)
    grant_active = serializers.BooleanField()
    evidence = MatchSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    draft = serializers.IntegerField()
    current = serializers.IntegerField()
    screened = serializers.IntegerField()
    changed = serializers.IntegerField()
    stricter = serializers.IntegerField()
    looser = serializers.IntegerField()
    active_grants = serializers.IntegerField()
    active_grants_stricter = serializers.IntegerField()
    routes = serializers.DictField(
        child=serializers.IntegerField(), help_text='"before->after" route -> applications'
    )
    newly_matched = serializers.DictField(child=serializers.IntegerField())
    no_longer_matched = serializers.DictField(child=serializers.IntegerField())
    seconds = serializers.FloatField()


class SimulationSerializer(serializers.Serializer):
    summary = SummarySerializer()
    fingerprint = serializers.CharField(help_text="Pass it to publish to refuse a changed draft.")
    changes = ChangeSerializer(many=True)


class PublishInputSerializer(serializers.Serializer):
    fingerprint = serializers.CharField(required=False, max_length=64)


class PolicyVersionListView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses={200: PolicyVersionSerializer(many=True)})
    def get(self, request):
        versions = list(PolicyVersion.objects.order_by("-number"))
        runs = policy_changes.rescreen_runs(v.number for v in versions)
        return Response([_version_data(v, runs.get(v.number)) for v in versions])


class PolicySimulateView(APIView):
    """Screens every application's latest revision with the draft and the current policy;
    409 for a published version, 400 when the draft's rules do not compile."""

    permission_classes = [IsAdmin]

    @extend_schema(request=None, responses={200: SimulationSerializer})
    def post(self, request, number: int):
        result = simulation.policy_simulate(draft=_version(number))
        return Response(
            {
                "summary": result.summary(),
                "fingerprint": result.fingerprint,
                "changes": [change.as_dict() for change in result.changes],
            }
        )


class PolicyPublishView(APIView):
    """Publishes a draft; the active grants are re-screened once it commits. 409 when it is
    published already, or when `fingerprint` no longer matches the draft."""

    permission_classes = [IsAdmin]

    @extend_schema(request=PublishInputSerializer, responses={200: PolicyVersionSerializer})
    def post(self, request, number: int):
        given = PublishInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        published = policy_changes.policy_publish(
            actor=request.user,
            policy_version=_version(number),
            fingerprint=given.validated_data.get("fingerprint"),
        )
        return Response(_version_data(published, None))


def _version_data(version: PolicyVersion, run) -> dict:
    rescreen = None
    if run is not None:
        rescreen = {
            "done": run.is_done,
            "superseded_by": run.superseded_by,
            "baseline": run.baseline_number,
            "counts": run.counts,
        }
    return {
        "number": version.number,
        "status": version.status,
        "notes": version.notes,
        "published_at": version.published_at,
        "rescreen": rescreen,
    }


# The screening classifier's versions: trained by `manage.py train_classifier` (or the
# monthly job), simulated over past applications like a policy draft, then published.


class ClassifierVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.CharField()
    policy = serializers.IntegerField(help_text="The policy version whose domains it learned.")
    encoder = serializers.CharField()
    data_digest = serializers.CharField()
    artefact_digest = serializers.CharField()
    figures = serializers.DictField(
        help_text="thresholds, target, target_met, cross_validated, counts (per label)."
    )
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)


class ClassifierVersionListView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses={200: ClassifierVersionSerializer(many=True)})
    def get(self, request):
        return Response(
            [classifier_data(v) for v in ClassifierVersion.objects.select_related("policy")]
        )


class ClassifierSimulateView(APIView):
    """Screens every application's latest revision under the current policy with the draft
    classifier and with the current one; 409 for a published version."""

    permission_classes = [IsAdmin]

    @extend_schema(request=None, responses={200: SimulationSerializer})
    def post(self, request, number: int):
        result = classifier_simulation.classifier_simulate(draft=classifiers.get_version(number))
        return Response(
            {
                "summary": result.summary(),
                "fingerprint": result.fingerprint,
                "changes": [change.as_dict() for change in result.changes],
            }
        )


class ClassifierPublishView(APIView):
    """Publishes a draft classifier: it screens every application submitted from then on.
    409 when published already, or when `fingerprint` no longer matches."""

    permission_classes = [IsAdmin]

    @extend_schema(request=PublishInputSerializer, responses={200: ClassifierVersionSerializer})
    def post(self, request, number: int):
        given = PublishInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        published = classifiers.classifier_publish(
            actor=request.user,
            version=classifiers.get_version(number),
            fingerprint_seen=given.validated_data.get("fingerprint"),
        )
        return Response(classifier_data(published))


def classifier_data(version: ClassifierVersion) -> dict:
    return {
        "number": version.number,
        "status": version.status,
        "policy": version.policy.number,
        "encoder": version.encoder,
        "data_digest": version.data_digest,
        "artefact_digest": version.artefact_digest,
        "figures": version.figures,
        "notes": version.notes,
        "created_at": version.created_at,
        "published_at": version.published_at,
    }
