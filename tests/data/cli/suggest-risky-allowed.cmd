suggest -f suggest-base.sb --apply --allow-risky --collapse mixed.log
