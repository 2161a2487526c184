// The window's width, shared by every component that needs to lay itself
// out for a phone: one `resize` listener for the whole page, attached while
// at least one mounted component uses it.
import { computed, onBeforeUnmount, onMounted, ref, watch } from 'vue';

export const PHONE_MAX = 767; // the breakpoint of styles.css: @media (max-width: 767px)

const width = ref(typeof window === 'undefined' ? 1366 : window.innerWidth);
let users = 0;
const update = () => { width.value = window.innerWidth; };

// { width, narrow (phone), tiny (< 480 px) }; onChange(width) runs after each
// change (a chart's resize()).
export function useViewport(onChange) {
  onMounted(() => {
    if (users++ === 0) window.addEventListener('resize', update);
    update();
  });
  onBeforeUnmount(() => {
    if (--users === 0) window.removeEventListener('resize', update);
  });
  if (onChange) watch(width, (w) => onChange(w));
  return {
    width,
    narrow: computed(() => width.value <= PHONE_MAX),
    tiny: computed(() => width.value < 480),
  };
}
