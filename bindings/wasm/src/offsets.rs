//! Byte offsets (what the core's spans hold) to UTF-16 offsets (what JS strings and editors
//! index by).

/// The UTF-16 offset of each byte offset in `text`, in one pass over the text whatever the
/// number of offsets. An offset inside a character maps to that character's start; one past
/// the end maps to the text's length.
pub fn utf16_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..byte_offsets.len()).collect();
    order.sort_by_key(|&i| byte_offsets[i]);
    let mut out = vec![0; byte_offsets.len()];
    let mut chars = text.char_indices().peekable();
    let mut units = 0;
    for i in order {
        let target = byte_offsets[i];
        while let Some(&(at, c)) = chars.peek() {
            if at + c.len_utf8() > target {
                break;
            }
            units += c.len_utf16();
            chars.next();
        }
        out[i] = units;
    }
    out
}

// Native `cargo test` and wasm-bindgen-test-runner (Node) both run these.
#[cfg(test)]
mod tests {
    use super::utf16_offsets;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn ascii_offsets_are_unchanged() {
        assert_eq!(utf16_offsets("abc: d", &[0, 3, 6]), vec![0, 3, 6]);
    }

    #[test]
    fn multibyte_and_astral_characters_count_as_js_does() {
        // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units (a surrogate pair).
        let text = "é😀x";
        assert_eq!(text.len(), 7);
        assert_eq!(utf16_offsets(text, &[7, 0, 2, 6]), vec![4, 0, 1, 3]);
    }

    #[test]
    fn offsets_inside_a_character_or_past_the_end_are_clamped() {
        assert_eq!(utf16_offsets("😀a", &[1, 2, 3, 99]), vec![0, 0, 0, 3]);
    }
}
