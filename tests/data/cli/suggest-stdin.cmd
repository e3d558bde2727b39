suggest -
