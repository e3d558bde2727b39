suggest -f suggest-base.sb --workspace /Users/u/proj --collapse mixed.log
