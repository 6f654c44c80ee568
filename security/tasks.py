"""Password reset email, sent by a worker so that the page answers alike whether or not the email is known."""

from smtplib import SMTPException

from celery import shared_task


@shared_task(
    name="security.password_reset_email_send",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
)
def password_reset_email_send_task(*, user_id: int, domain: str, use_https: bool, language: str) -> None:
    from security.services import password_reset_email_send  # services import this module

    password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https, language=language)
