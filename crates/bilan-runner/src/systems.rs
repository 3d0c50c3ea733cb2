//! Comparing systems: the same method on several inventories, figures per common functional
//! unit, and the difference between two systems explained by item kind and driver.
