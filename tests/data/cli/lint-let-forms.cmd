lint --color=never let-forms.sb
