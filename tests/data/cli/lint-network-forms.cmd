lint --color=never network-forms.sb
