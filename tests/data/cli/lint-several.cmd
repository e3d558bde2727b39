lint --color=never ../lint/shadowed-rule.sb ../lint/eval-error.sb ../lint/no-default-ok.sb
