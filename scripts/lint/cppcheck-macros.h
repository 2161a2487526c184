/* Macros of the libraries cppcheck is not shown (their headers are not
 * passed, which keeps the check fast): enough for it to parse the loops. */
#define json_array_foreach(array, index, value) \
	for ((index) = 0; ((value) = json_array_get((array), (index))) != 0; (index)++)
#define json_object_foreach(object, key, value) \
	for ((key) = json_object_iter_key(json_object_iter(object)); (key) && ((value) = json_object_iter_value(json_object_key_to_iter(key))); (key) = json_object_iter_key(json_object_iter_next((object), json_object_key_to_iter(key))))
