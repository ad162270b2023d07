"""Mail about reviews. (Being completed: SLA warnings and breaches, templates.)"""

import logging

log = logging.getLogger(__name__)


def enqueue_decision_mail(decision_id: int) -> None:
    """Called on commit of a decision: tells the applicant (task: send_decision_mail)."""
    log.info("decision %s recorded; mail to the applicant pending", decision_id)
