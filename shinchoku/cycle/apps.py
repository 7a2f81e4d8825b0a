from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "shinchoku.cycle"
    verbose_name = "進行管理"

    def ready(self) -> None:
        # Codes that other branches registered only as a label in selectors.AUDIT_LABELS join the registry
        # (label-only), so audit_entry accepts them; the dict then mirrors the registry's labels.
        from shinchoku.cycle import audit_actions, selectors

        for code, label in selectors.AUDIT_LABELS.items():
            audit_actions.label_only(code, label)
        selectors.AUDIT_LABELS.update(audit_actions.labels())
